package dev.speicherd.storage;

import static dev.speicherd.storage.StoreContractTest.b;
import static dev.speicherd.storage.StoreContractTest.runConcurrently;
import static dev.speicherd.storage.StoreContractTest.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.api.Item;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fsync policies: when a change is covered by an fsync, and how many fsyncs it takes. */
final class LogSyncTest {

    private static final int THREADS = 8;
    private static final int WRITES_PER_THREAD = 250;
    /** The background sync runs once a second; the test waits for it, but not forever. */
    private static final Duration BACKGROUND_DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private LogStore open(LogStore.Fsync fsync) throws IOException {
        return LogStore.open(dir, clock, LogStore.Options.defaults().withFsync(fsync));
    }

    @Test
    void alwaysAcknowledgesAChangeOnlyOnceAnFsyncCoveredIt() throws IOException {
        try (LogStore store = open(LogStore.Fsync.ALWAYS)) {
            LogWriter writer = store.writer();
            for (int i = 0; i < 20; i++) {
                long syncsBefore = writer.syncCount();
                stored(store.set(b("k" + i), b("v"), 0, Item.NEVER));
                assertEquals(writer.appendedBytes(), writer.durableBytes(), "after write " + i);
                assertEquals(syncsBefore + 1, writer.syncCount());
            }
            store.get(b("k0"));
            store.delete(b("missing"), 0);
            assertEquals(20, writer.syncCount(), "a change that changed nothing waits for nothing");
        }
    }

    @Test
    void underAlwaysConcurrentWritersShareFsyncs() throws Exception {
        long syncs;
        try (LogStore store = open(LogStore.Fsync.ALWAYS)) {
            long started = System.nanoTime();
            runConcurrently(THREADS, thread -> {
                for (int i = 0; i < WRITES_PER_THREAD; i++) {
                    stored(store.set(b(thread + "-" + i), b("value"), 0, Item.NEVER));
                }
                return null;
            });
            long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
            LogWriter writer = store.writer();
            syncs = writer.syncCount();
            assertEquals(writer.appendedBytes(), writer.durableBytes());
            System.out.printf("fsync=always: %d writes from %d threads took %d fsyncs, %d ms, %d writes/s%n",
                    THREADS * WRITES_PER_THREAD, THREADS, syncs, millis, THREADS * WRITES_PER_THREAD * 1000L / millis);
        }
        // One fsync per write would mean no sharing at all; with eight writers waiting on every
        // sync, that cannot happen unless the threads never overlap.
        assertTrue(syncs < THREADS * WRITES_PER_THREAD, syncs + " fsyncs");
        try (LogStore reopened = open(LogStore.Fsync.NO)) {
            assertEquals(THREADS * WRITES_PER_THREAD, reopened.stats().currItems());
        }
    }

    @Test
    void batchSyncsAThreadsChangesTogetherWhenItAsks() throws IOException {
        try (LogStore store = open(LogStore.Fsync.BATCH)) {
            LogWriter writer = store.writer();
            for (int i = 0; i < 20; i++) {
                stored(store.set(b("k" + i), b("v"), 0, Item.NEVER));
            }
            assertEquals(0, writer.syncCount(), "a change waits for the sync its thread asks for");
            assertTrue(writer.durableBytes() < writer.appendedBytes());
            store.sync();
            assertEquals(1, writer.syncCount(), "one fsync for the twenty changes");
            assertEquals(writer.appendedBytes(), writer.durableBytes());
            store.get(b("k0"));
            store.delete(b("missing"), 0);
            store.sync();
            assertEquals(1, writer.syncCount(), "nothing changed since the last sync: nothing to wait for");
        }
    }

    @Test
    void underBatchAThreadSyncsItsOwnChanges() throws Exception {
        try (LogStore store = open(LogStore.Fsync.BATCH)) {
            LogWriter writer = store.writer();
            stored(store.set(b("mine"), b("v"), 0, Item.NEVER));
            runConcurrently(1, thread -> {
                store.sync(); // a thread that changed nothing
                return null;
            });
            assertEquals(0, writer.syncCount(), "another thread's sync does not wait for this thread's changes");
            runConcurrently(1, thread -> {
                stored(store.set(b("theirs"), b("v"), 0, Item.NEVER));
                store.sync();
                return null;
            });
            assertEquals(1, writer.syncCount());
            assertEquals(writer.appendedBytes(), writer.durableBytes(), "an fsync covers every record before it");
            store.sync();
            assertEquals(1, writer.syncCount(), "this thread's change was covered by the other's fsync");
        }
    }

    @Test
    void everysecSyncsInTheBackground() throws Exception {
        try (LogStore store = open(LogStore.Fsync.EVERYSEC)) {
            LogWriter writer = store.writer();
            store.set(b("k"), b("v"), 0, Item.NEVER);
            long deadline = System.nanoTime() + BACKGROUND_DEADLINE.toNanos();
            while (writer.durableBytes() < writer.appendedBytes() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(writer.appendedBytes(), writer.durableBytes());
            assertTrue(writer.syncCount() >= 1);
        }
    }

    @Test
    void noLeavesSyncingToTheSystemUntilClose() throws IOException {
        try (LogStore store = open(LogStore.Fsync.NO)) {
            for (int i = 0; i < 100; i++) {
                store.set(b("k" + i), b("v"), 0, Item.NEVER);
            }
            assertEquals(0, store.writer().syncCount());
            assertEquals(0, store.writer().durableBytes());
        }
        try (LogStore reopened = open(LogStore.Fsync.NO)) {
            assertEquals(100, reopened.stats().currItems());
        }
    }
}
