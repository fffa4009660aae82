package dev.speicherd.storage;

import static dev.speicherd.storage.StoreContractTest.b;
import static dev.speicherd.storage.StoreContractTest.hit;
import static dev.speicherd.storage.StoreContractTest.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.speicherd.api.CounterResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.StorageException;
import dev.speicherd.api.Store;
import dev.speicherd.api.StoreStats;
import dev.speicherd.api.WriteMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What {@link MemoryStore} tells its {@link Journal}, and what happens when the journal refuses:
 * the contract a durable engine builds on, tested with a journal that records or refuses.
 */
final class JournalTest {

    private static final List<String> LIVE_KEYS = List.of("a", "n");

    private final ManualClock clock = new ManualClock();
    private final RecordingJournal journal = new RecordingJournal();

    /** Records every call as text, and refuses them all once told to. */
    private static final class RecordingJournal implements Journal {
        final List<String> calls = new ArrayList<>();
        volatile boolean refusing;
        private long tickets;

        @Override
        public synchronized long put(Key key, Item item, long writtenAt) {
            refuseIfTold();
            calls.add("put " + new String(key.bytes(), StandardCharsets.UTF_8) + "="
                    + new String(item.value(), StandardCharsets.UTF_8));
            return ++tickets;
        }

        @Override
        public synchronized long remove(Key key) {
            refuseIfTold();
            calls.add("remove " + new String(key.bytes(), StandardCharsets.UTF_8));
            return ++tickets;
        }

        @Override
        public synchronized long flush(FlushSchedule schedule) {
            refuseIfTold();
            calls.add("flush " + (schedule.pendingAt() != 0 ? "later" : "now"));
            return ++tickets;
        }

        @Override
        public synchronized void commit(long ticket) {
            calls.add("commit " + ticket);
        }

        private void refuseIfTold() {
            if (refusing) {
                throw new StorageException("refused", null);
            }
        }
    }

    private MemoryStore store(long limit) {
        return new MemoryStore(clock, limit, Duration.ZERO, journal);
    }

    @Test
    void everyChangeIsJournaledBeforeItsCommitAndNothingElseIs() {
        try (MemoryStore store = store(0)) {
            store.set(b("a"), b("1"), 0, Item.NEVER);
            store.write(WriteMode.ADD, b("a"), b("no"), 0, Item.NEVER, Store.ANY_CAS);
            store.get(b("a"));
            store.adjust(b("n"), 1, false, new CounterResult.Vivify(5, Item.NEVER));
            store.touch(b("a"), clock.millis() + 10);
            store.delete(b("missing"), Store.ANY_CAS);
            store.delete(b("n"), Store.ANY_CAS);
            store.flushAll(clock.millis() + 100);
            clock.advance(10);
            store.get(b("a")); // expired: removed without a journal entry, a replay drops it too
            store.set(b("x"), b("born dead"), 0, clock.millis() - 1);
            assertEquals(List.of(
                    "put a=1", "commit 1",
                    "commit 0",
                    "put n=5", "commit 2",
                    "put a=1", "commit 3",
                    "commit 0",
                    "remove n", "commit 4",
                    "flush later", "commit 5",
                    "put x=born dead", "commit 6"), journal.calls);
        }
    }

    @Test
    void evictionsAreJournaledAsRemovals() {
        long itemBytes = MemoryStore.ITEM_OVERHEAD_BYTES + 1 + 1;
        try (MemoryStore store = store(2 * itemBytes)) {
            store.set(b("a"), b("1"), 0, Item.NEVER);
            store.set(b("b"), b("2"), 0, Item.NEVER);
            store.set(b("c"), b("3"), 0, Item.NEVER);
            assertEquals(1, store.stats().evictions());
            assertEquals(1, journal.calls.stream().filter(call -> call.startsWith("remove ")).count(), journal.calls.toString());
            assertEquals("commit 4", journal.calls.get(journal.calls.size() - 1), "one commit covers the write and its eviction");
        }
    }

    @Test
    void aRefusingJournalLeavesMapCountsAndTokensAsTheyWere() {
        try (MemoryStore store = store(0)) {
            store.set(b("a"), b("1"), 3, clock.millis() + 1_000);
            store.set(b("n"), b("7"), 0, Item.NEVER);
            store.set(b("x"), b("old"), 0, clock.millis() + 5);
            clock.advance(5); // "x" is expired but still in the map: a refused change must not reclaim it
            StoreStats stats = store.stats();
            Map<String, Lookup> before = Snapshots.of(store, LIVE_KEYS); // not "x": a read would reclaim it
            long lastCas = store.lastCas();
            journal.refusing = true;
            List<Executable> changes = List.of(
                    () -> store.set(b("a"), b("2"), 0, Item.NEVER),
                    () -> store.set(b("x"), b("new"), 0, Item.NEVER),
                    () -> store.write(WriteMode.APPEND, b("a"), b("+"), 0, Item.NEVER, Store.ANY_CAS),
                    () -> store.delete(b("a"), Store.ANY_CAS),
                    () -> store.adjust(b("n"), 1, false, null),
                    () -> store.adjust(b("x"), 1, false, new CounterResult.Vivify(0, Item.NEVER)),
                    () -> store.touch(b("a"), Item.NEVER),
                    () -> store.flushAll(clock.millis()));
            for (Executable change : changes) {
                assertThrows(StorageException.class, change);
            }
            StoreStats after = store.stats();
            assertEquals(stats, after);
            assertEquals(3, after.currItems(), "the expired item is still there, unreclaimed");
            assertEquals(before, Snapshots.of(store, LIVE_KEYS));
            journal.refusing = false;
            assertEquals("1", new String(hit(store.get(b("a"))).value(), StandardCharsets.UTF_8));
            assertSame(Lookup.MISS, store.get(b("x")));
            assertEquals(1, store.stats().reclaimed());
            long next = stored(store.set(b("a"), b("3"), 0, Item.NEVER));
            assertEquals(true, next > lastCas);
        }
    }

    @Test
    void aRefusedEvictionLeavesTheWriteDoneAndTheStoreOverItsLimit() {
        long itemBytes = MemoryStore.ITEM_OVERHEAD_BYTES + 1 + 1;
        // Puts go through, removals are refused: the third write stands, its eviction does not.
        Journal refusingRemovals = new Journal() {
            @Override
            public long put(Key key, Item item, long writtenAt) {
                return journal.put(key, item, writtenAt);
            }

            @Override
            public long remove(Key key) {
                throw new StorageException("refused", null);
            }

            @Override
            public long flush(FlushSchedule schedule) {
                return journal.flush(schedule);
            }

            @Override
            public void commit(long ticket) {
                journal.commit(ticket);
            }
        };
        try (MemoryStore store = new MemoryStore(clock, 2 * itemBytes, Duration.ZERO, refusingRemovals)) {
            store.set(b("a"), b("1"), 0, Item.NEVER);
            store.set(b("b"), b("2"), 0, Item.NEVER);
            stored(store.set(b("c"), b("3"), 0, Item.NEVER));
            StoreStats stats = store.stats();
            assertEquals(3, stats.currItems());
            assertEquals(0, stats.evictions());
            assertEquals(3 * itemBytes, stats.bytes());
            assertEquals("3", new String(hit(store.get(b("c"))).value(), StandardCharsets.UTF_8));
        }
    }
}
