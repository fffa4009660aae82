package dev.speicherd.storage;

import static dev.speicherd.storage.StoreContractTest.b;
import static dev.speicherd.storage.StoreContractTest.hit;
import static dev.speicherd.storage.StoreContractTest.stored;
import static dev.speicherd.storage.StoreContractTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.api.CounterResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.StorageException;
import dev.speicherd.api.Store;
import dev.speicherd.api.StoreStats;
import dev.speicherd.api.WriteMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A log that cannot take a record fails the change with {@link StorageException}, leaves
 * memory exactly as it was, and keeps serving reads.
 */
final class LogStoreFailureTest {

    private static final List<String> KEYS = List.of("a", "n", "new");
    private static final int SMALL_RECORD_LIMIT = 1024;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private LogStore open(LogStore.Options options) throws IOException {
        return LogStore.open(dir, clock, options);
    }

    /** Every kind of change, each of which must fail. */
    private List<Executable> everyChange(Store store) {
        return List.of(
                () -> store.set(b("a"), b("2"), 0, Item.NEVER),
                () -> store.write(WriteMode.ADD, b("new"), b("x"), 0, Item.NEVER, Store.ANY_CAS),
                () -> store.write(WriteMode.REPLACE, b("a"), b("x"), 0, Item.NEVER, Store.ANY_CAS),
                () -> store.write(WriteMode.APPEND, b("a"), b("x"), 0, Item.NEVER, Store.ANY_CAS),
                () -> store.write(WriteMode.PREPEND, b("a"), b("x"), 0, Item.NEVER, Store.ANY_CAS),
                () -> store.write(WriteMode.SET, b("a"), b("x"), 0, Item.NEVER, hit(store.get(b("a"))).cas()),
                () -> store.delete(b("a"), Store.ANY_CAS),
                () -> store.adjust(b("n"), 1, false, null),
                () -> store.adjust(b("n"), 1, true, null),
                () -> store.adjust(b("new"), 1, false, new CounterResult.Vivify(5, Item.NEVER)),
                () -> store.touch(b("a"), clock.millis() + 1_000),
                () -> store.flushAll(clock.millis()),
                () -> store.flushAll(clock.millis() + 1_000));
    }

    @ParameterizedTest
    @EnumSource(LogStore.Fsync.class)
    void aFailingDiskFailsEveryChangeLeavesMemoryAloneAndKeepsReadsGoing(LogStore.Fsync fsync) throws Exception {
        Map<String, Lookup> before;
        try (LogStore store = open(LogStore.Options.defaults().withFsync(fsync))) {
            store.set(b("a"), b("1"), 5, clock.millis() + 60_000);
            store.set(b("n"), b("10"), 0, Item.NEVER);
            before = Snapshots.of(store, KEYS);
            StoreStats stats = store.stats();

            store.writer().closeFileUnderneath();

            StorageException first = assertThrows(StorageException.class, () -> store.set(b("a"), b("2"), 0, Item.NEVER));
            assertTrue(first.getMessage().contains(LogStore.LOG_FILE_NAME), first.getMessage());
            assertTrue(first.getCause() instanceof IOException, String.valueOf(first.getCause()));
            for (Executable change : everyChange(store)) {
                assertThrows(StorageException.class, change);
            }
            assertEquals(before, Snapshots.of(store, KEYS), "reads go on, and see nothing of the failed changes");
            StoreStats after = store.stats();
            assertEquals(stats.currItems(), after.currItems());
            assertEquals(stats.totalItems(), after.totalItems());
            assertEquals(stats.bytes(), after.bytes());
            clock.advance(1_000);
            assertEquals("1", text(hit(store.get(b("a")))), "no flush took effect");
        }
        try (LogStore reopened = open(LogStore.Options.defaults())) {
            assertEquals(before, Snapshots.of(reopened, KEYS));
        }
    }

    @Test
    void aChangeTooLargeForTheLogIsRefusedAndTheLogGoesOn() throws IOException {
        LogStore.Options small = LogStore.Options.defaults().withFsync(LogStore.Fsync.NO)
                .withMaxRecordBytes(SMALL_RECORD_LIMIT);
        try (LogStore store = open(small)) {
            long cas = stored(store.set(b("a"), new byte[SMALL_RECORD_LIMIT / 2], 0, Item.NEVER));
            StoreStats stats = store.stats();
            StorageException e = assertThrows(StorageException.class,
                    () -> store.set(b("a"), new byte[SMALL_RECORD_LIMIT], 0, Item.NEVER));
            assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
            assertThrows(StorageException.class, () -> store.write(
                    WriteMode.APPEND, b("a"), new byte[SMALL_RECORD_LIMIT / 2], 0, Item.NEVER, Store.ANY_CAS));
            assertEquals(cas, hit(store.get(b("a"))).cas());
            assertEquals(stats.bytes(), store.stats().bytes());
            stored(store.set(b("b"), b("small"), 0, Item.NEVER));
        }
        try (LogStore reopened = open(small)) {
            assertEquals(SMALL_RECORD_LIMIT / 2, hit(reopened.get(b("a"))).value().length);
            assertEquals("small", text(hit(reopened.get(b("b")))));
            assertSame(0L, reopened.replay().truncatedBytes());
        }
    }
}
