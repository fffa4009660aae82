package dev.speicherd.storage;

import static dev.speicherd.storage.StoreContractTest.b;
import static dev.speicherd.storage.StoreContractTest.hit;
import static dev.speicherd.storage.StoreContractTest.runConcurrently;
import static dev.speicherd.storage.StoreContractTest.stored;
import static dev.speicherd.storage.StoreContractTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.api.CounterResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.Store;
import dev.speicherd.api.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction rewrites the log from the live items without losing a write, before, during or after. */
final class LogCompactionTest {

    private static final int KEYS = 200;
    private static final int REWRITES = 10;
    private static final int WRITER_THREADS = 4;
    private static final int COMPACTIONS_WHILE_WRITING = 5;
    /** Real threads compact in the background; the test waits for them, but not forever. */
    private static final Duration BACKGROUND_DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private LogStore open(LogStore.Options options) throws IOException {
        return LogStore.open(dir, clock, options);
    }

    private LogStore open() throws IOException {
        return open(LogStore.Options.defaults().withFsync(LogStore.Fsync.NO));
    }

    private static List<String> keys(int count) {
        return IntStream.range(0, count).mapToObj(i -> "key" + i).toList();
    }

    @Test
    void compactionShrinksTheLogAndKeepsEveryItemAsItWas() throws IOException {
        List<String> keys = keys(KEYS);
        Map<String, Lookup> before;
        try (LogStore store = open()) {
            for (int round = 0; round < REWRITES; round++) {
                for (String key : keys) {
                    store.set(b(key), b(key + " round " + round), round, round % 2 == 0 ? Item.NEVER : clock.millis() + 60_000);
                }
            }
            for (int i = 0; i < KEYS; i += 2) {
                store.delete(b(keys.get(i)), Store.ANY_CAS);
            }
            store.adjust(b("counter"), 1, false, new CounterResult.Vivify(41, Item.NEVER));
            before = Snapshots.of(store, keys);
            long logBefore = store.logBytes();
            Compactor.Outcome outcome = store.compactNow();
            assertEquals(logBefore, outcome.bytesBefore());
            assertEquals(KEYS / 2 + 1, outcome.items());
            assertTrue(store.logBytes() * REWRITES < logBefore, store.logBytes() + " after, " + logBefore + " before");
            assertEquals(Files.size(store.file()), store.logBytes());
            assertEquals(before, Snapshots.of(store, keys));
            store.set(b("after compaction"), b("v"), 0, Item.NEVER);
        }
        try (LogStore reopened = open()) {
            assertEquals(before, Snapshots.of(reopened, keys));
            assertEquals("41", text(hit(reopened.get(b("counter")))));
            assertEquals("v", text(hit(reopened.get(b("after compaction")))));
            assertFalse(Files.exists(Compactor.tempFileOf(reopened.file())));
        }
    }

    @Test
    void compactionKeepsTheTokenFloorAndTheFlushSchedule() throws IOException {
        long largest;
        try (LogStore store = open()) {
            store.set(b("old"), b("v"), 0, Item.NEVER);
            store.flushAll(clock.millis() + 1_000);
            largest = stored(store.set(b("gone"), b("v"), 0, Item.NEVER));
            store.delete(b("gone"), Store.ANY_CAS);
            store.compactNow();
        }
        try (LogStore reopened = open()) {
            assertTrue(stored(reopened.set(b("new"), b("v"), 0, Item.NEVER)) > largest);
            hit(reopened.get(b("old")));
            clock.advance(1_000);
            assertSame(Lookup.MISS, reopened.get(b("old")), "the delayed flush survived the compaction");
            assertSame(Lookup.MISS, reopened.get(b("new")), "written before the flush came due");
        }
    }

    @Test
    void writesDuringCompactionAreNotLost() throws Exception {
        Map<String, Lookup> before;
        List<String> keys = new ArrayList<>();
        try (LogStore store = open()) {
            for (String key : keys(KEYS)) {
                store.set(b(key), b("initial"), 0, Item.NEVER);
            }
            AtomicBoolean compacting = new AtomicBoolean(true);
            int[] writesPerThread = new int[WRITER_THREADS];
            List<Object> results = runConcurrently(WRITER_THREADS + 1, thread -> {
                if (thread == WRITER_THREADS) {
                    try {
                        for (int i = 0; i < COMPACTIONS_WHILE_WRITING; i++) {
                            store.compactNow();
                        }
                    } finally {
                        compacting.set(false);
                    }
                    return null;
                }
                int i = 0;
                for (; compacting.get() || i < 100; i++) {
                    store.set(b("t" + thread + "-" + (i % 500)), b("write " + i), thread, Item.NEVER);
                    store.write(WriteMode.APPEND, b("key" + (i % KEYS)), b("+"), 0, Item.NEVER, Store.ANY_CAS);
                    store.adjust(b("count"), 1, false, new CounterResult.Vivify(0, Item.NEVER));
                    if (i % 7 == 0) {
                        store.delete(b("t" + thread + "-" + ((i + 250) % 500)), Store.ANY_CAS);
                    }
                }
                writesPerThread[thread] = i;
                return null;
            });
            assertEquals(WRITER_THREADS + 1, results.size());
            long total = 0;
            for (int n : writesPerThread) {
                total += n;
            }
            // The first adjustment creates the counter at 0 and does not add to it.
            assertEquals(String.valueOf(total - 1), text(hit(store.get(b("count")))));
            keys.addAll(keys(KEYS));
            keys.add("count");
            for (int t = 0; t < WRITER_THREADS; t++) {
                for (int i = 0; i < 500; i++) {
                    keys.add("t" + t + "-" + i);
                }
            }
            before = Snapshots.of(store, keys);
        }
        try (LogStore reopened = open()) {
            assertEquals(before, Snapshots.of(reopened, keys));
        }
    }

    @Test
    void theLogIsCompactedInTheBackgroundOnceItOutgrowsTheLiveData() throws Exception {
        long minBytes = 16 << 10;
        LogStore.Options eager = LogStore.Options.defaults().withFsync(LogStore.Fsync.NO).withCompaction(minBytes, 2);
        try (LogStore store = open(eager)) {
            store.set(b("stays"), b("v"), 0, Item.NEVER);
            for (int i = 0; i < 2_000; i++) {
                store.set(b("hot"), b("value " + i), 0, Item.NEVER);
            }
            // The compaction thread runs on its own; give it time, but not forever. Writes
            // trigger compaction, so keep writing a little, as a server would.
            long deadline = System.nanoTime() + BACKGROUND_DEADLINE.toNanos();
            while (store.logBytes() >= minBytes && System.nanoTime() < deadline) {
                Thread.sleep(10);
                store.set(b("hot"), b("value 1999"), 0, Item.NEVER);
            }
            assertTrue(store.logBytes() < minBytes, "log still " + store.logBytes() + " bytes");
            assertEquals("value 1999", text(hit(store.get(b("hot")))));
        }
        try (LogStore reopened = open(eager)) {
            assertEquals("value 1999", text(hit(reopened.get(b("hot")))));
            assertEquals("v", text(hit(reopened.get(b("stays")))));
        }
    }

    @Test
    void aSmallLogIsNotCompacted() throws IOException {
        try (LogStore store = open(LogStore.Options.defaults().withFsync(LogStore.Fsync.NO))) {
            for (int i = 0; i < 1_000; i++) {
                store.set(b("hot"), b("value " + i), 0, Item.NEVER);
            }
            long size = store.logBytes();
            assertTrue(size > 2 * store.stats().bytes());
            store.set(b("hot"), b("last"), 0, Item.NEVER);
            assertTrue(store.logBytes() > size, "still appending to the same, uncompacted log");
        }
    }

    @Test
    void theLeftoverOfACompactionThatDidNotFinishIsDeletedOnOpen() throws IOException {
        try (LogStore store = open()) {
            store.set(b("k"), b("v"), 0, Item.NEVER);
        }
        Path leftover = Compactor.tempFileOf(dir.resolve(LogStore.LOG_FILE_NAME));
        Files.write(leftover, new byte[] {1, 2, 3}); // a crash while the new file was being written
        try (LogStore reopened = open()) {
            assertFalse(Files.exists(leftover));
            assertEquals("v", text(hit(reopened.get(b("k")))));
        }
    }

    @Test
    void aCompactedLogRecoversFromATornTailLikeAnyOther() throws IOException {
        try (LogStore store = open()) {
            for (int i = 0; i < 100; i++) {
                store.set(b("k"), b("v" + i), 0, Item.NEVER);
            }
            store.compactNow();
            store.set(b("k"), b("after"), 0, Item.NEVER);
            store.set(b("torn"), b("x"), 0, Item.NEVER);
        }
        Path file = dir.resolve(LogStore.LOG_FILE_NAME);
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 1);
        }
        try (LogStore reopened = open()) {
            assertEquals("after", text(hit(reopened.get(b("k")))));
            assertSame(Lookup.MISS, reopened.get(b("torn")));
        }
    }
}
