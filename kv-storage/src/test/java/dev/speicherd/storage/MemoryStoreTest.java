package dev.speicherd.storage;

import static dev.speicherd.storage.StoreContractTest.b;
import static dev.speicherd.storage.StoreContractTest.hit;
import static dev.speicherd.storage.StoreContractTest.runConcurrently;
import static dev.speicherd.storage.StoreContractTest.stored;
import static dev.speicherd.storage.StoreContractTest.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.api.CounterResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.Store;
import dev.speicherd.api.StoreStats;
import dev.speicherd.api.WriteMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What only the in-memory engine promises: byte accounting, eviction, the sweep, the CAS floor. */
final class MemoryStoreTest {

    /** Key "key000".."key999" (6 bytes) and a 30-byte value: 100 bytes per item with overhead. */
    private static final int ITEM_BYTES = (int) MemoryStore.ITEM_OVERHEAD_BYTES + 6 + 30;
    private static final int ROOM_FOR = 100;
    private static final long LIMIT = (long) ITEM_BYTES * ROOM_FOR;

    private final ManualClock clock = new ManualClock();

    private static byte[] key(int i) {
        return b("key%03d".formatted(i));
    }

    private static byte[] value(int i) {
        return b("value-%024d".formatted(i));
    }

    /** A store with no background sweep, so that only the test decides when to sweep. */
    private MemoryStore quietStore(long limit) {
        return new MemoryStore(clock, limit, Duration.ZERO);
    }

    @Test
    void aNegativeLimitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MemoryStore(clock, -1));
    }

    @Test
    void bytesCountKeyValueAndOverheadExactly() {
        try (MemoryStore store = quietStore(0)) {
            store.set(b("k"), b("0123456789"), 0, Item.NEVER);
            assertEquals(MemoryStore.ITEM_OVERHEAD_BYTES + 1 + 10, store.stats().bytes());
            store.write(WriteMode.APPEND, b("k"), b("abcde"), 0, Item.NEVER, Store.ANY_CAS);
            assertEquals(MemoryStore.ITEM_OVERHEAD_BYTES + 1 + 15, store.stats().bytes());
            store.set(b("n"), b("99"), 0, Item.NEVER);
            store.adjust(b("n"), 1, false, null);
            assertEquals(2 * MemoryStore.ITEM_OVERHEAD_BYTES + 1 + 15 + 1 + 3, store.stats().bytes());
            store.touch(b("n"), clock.millis() + 5);
            clock.advance(5);
            store.get(b("n"));
            store.delete(b("k"), Store.ANY_CAS);
            assertEquals(0, store.stats().bytes());
            assertEquals(1, store.stats().reclaimed());
        }
    }

    @Test
    void statsReportTheLimit() {
        try (MemoryStore store = quietStore(LIMIT)) {
            assertEquals(LIMIT, store.stats().limitBytes());
        }
    }

    @Test
    void evictionKeepsBytesWithinTheLimitAndCountsEveryEviction() {
        try (MemoryStore store = quietStore(LIMIT)) {
            for (int i = 0; i < 1_000; i++) {
                stored(store.set(key(i), value(i), 0, Item.NEVER));
                assertTrue(store.stats().bytes() <= LIMIT, "after write " + i + ": " + store.stats());
                // The item just written is never the victim of its own write.
                assertEquals(i, Integer.parseInt(text(hit(store.get(key(i)))).substring(6)));
            }
            StoreStats stats = store.stats();
            assertEquals(ROOM_FOR, stats.currItems());
            assertEquals(1_000, stats.totalItems());
            assertEquals(1_000 - ROOM_FOR, stats.evictions());
            assertEquals(0, stats.reclaimed());
            assertEquals(LIMIT, stats.bytes());
        }
    }

    @Test
    void loweringTheLimitAtRunTimeEvictsDownToItAndRaisingItStopsEviction() {
        try (MemoryStore store = quietStore(0)) {
            for (int i = 0; i < ROOM_FOR; i++) {
                store.set(key(i), value(i), 0, Item.NEVER);
            }
            store.setMemoryLimit(LIMIT / 2);
            assertEquals(LIMIT / 2, store.stats().limitBytes());
            assertTrue(store.stats().bytes() <= LIMIT / 2, store.stats().toString());
            assertEquals(ROOM_FOR / 2, store.stats().evictions());
            store.setMemoryLimit(0);
            for (int i = 0; i < ROOM_FOR; i++) {
                store.set(key(i), value(i), 0, Item.NEVER);
            }
            assertEquals(ROOM_FOR, store.stats().currItems());
            assertThrows(IllegalArgumentException.class, () -> store.setMemoryLimit(-1));
        }
    }

    @Test
    void aRecentlyReadItemStaysWhileUnreadOnesAreEvicted() {
        try (MemoryStore store = quietStore(LIMIT)) {
            for (int i = 0; i < ROOM_FOR; i++) {
                store.set(key(i), value(i), 0, Item.NEVER);
            }
            for (int i = ROOM_FOR; i < ROOM_FOR + 50; i++) {
                hit(store.get(key(0)));
                store.set(key(i), value(i), 0, Item.NEVER);
            }
            assertEquals(50, store.stats().evictions());
            assertEquals("value-%024d".formatted(0), text(hit(store.get(key(0)))));
        }
    }

    @Test
    void aPrefetchedItemIsNotCountedAsRead() {
        try (MemoryStore store = quietStore(LIMIT)) {
            for (int i = 0; i < ROOM_FOR; i++) {
                store.set(key(i), value(i), 0, Item.NEVER);
            }
            byte[][] buffers = {key(0), key(0)};
            for (int i = ROOM_FOR; i < 2 * ROOM_FOR; i++) {
                store.prefetch(buffers, new int[] {0, 0}, new int[] {6, 6}, 2);
                store.set(key(i), value(i), 0, Item.NEVER);
            }
            assertEquals(ROOM_FOR, store.stats().evictions());
            assertSame(Lookup.MISS, store.get(key(0)), "evicted as if never asked for, unlike a read one (above)");
        }
    }

    @Test
    void anItemLargerThanTheLimitIsStoredAndEvictsEverythingElse() {
        try (MemoryStore store = quietStore(LIMIT)) {
            for (int i = 0; i < 10; i++) {
                store.set(key(i), value(i), 0, Item.NEVER);
            }
            byte[] huge = new byte[(int) LIMIT * 2];
            stored(store.set(b("huge"), huge, 0, Item.NEVER));
            assertEquals(huge.length, hit(store.get(b("huge"))).value().length);
            StoreStats stats = store.stats();
            assertEquals(1, stats.currItems());
            assertEquals(10, stats.evictions());
            // The next ordinary write pushes the giant out in turn.
            stored(store.set(key(0), value(0), 0, Item.NEVER));
            assertSame(Lookup.MISS, store.get(b("huge")));
            assertEquals(ITEM_BYTES, store.stats().bytes());
        }
    }

    @Test
    void growingAnItemEvictsOthers() {
        try (MemoryStore store = quietStore(LIMIT)) {
            for (int i = 0; i < ROOM_FOR; i++) {
                store.set(key(i), value(i), 0, Item.NEVER);
            }
            stored(store.write(WriteMode.APPEND, key(0), new byte[ITEM_BYTES * 6], 0, Item.NEVER, Store.ANY_CAS));
            assertTrue(store.stats().bytes() <= LIMIT);
            // Six items' worth of value, and the grown value is now held apart from its key,
            // which costs more than six items leave room for: seven go.
            assertTrue(ITEM_BYTES * 6 > Slot.INLINE_MAX_VALUE_BYTES);
            assertEquals(7, store.stats().evictions());
            assertEquals(30 + ITEM_BYTES * 6, hit(store.get(key(0))).value().length);
        }
    }

    @Test
    void evictionTakesExpiredItemsFirstAndCountsThemAsReclaimed() {
        try (MemoryStore store = quietStore(LIMIT)) {
            for (int i = 0; i < ROOM_FOR; i++) {
                store.set(key(i), value(i), 0, clock.millis() + 10);
            }
            clock.advance(10);
            store.set(b("key999"), value(999), 0, Item.NEVER);
            StoreStats stats = store.stats();
            assertEquals(0, stats.evictions());
            assertTrue(stats.reclaimed() >= 1, stats.toString());
            assertTrue(stats.bytes() <= LIMIT);
        }
    }

    @Test
    void aFlushIsNotCountedAsEvictionOrReclaim() {
        try (MemoryStore store = quietStore(LIMIT)) {
            for (int i = 0; i < 10; i++) {
                store.set(key(i), value(i), 0, Item.NEVER);
            }
            store.flushAll(clock.millis());
            StoreStats stats = store.stats();
            assertEquals(0, stats.evictions());
            assertEquals(0, stats.reclaimed());
            assertEquals(0, stats.bytes());
        }
    }

    @Test
    void concurrentWritersStayWithinTheLimit() throws Exception {
        try (MemoryStore store = quietStore(LIMIT)) {
            runConcurrently(8, thread -> {
                for (int i = 0; i < 5_000; i++) {
                    stored(store.set(b("t%d-%05d".formatted(thread, i)), value(i), 0, Item.NEVER));
                }
                return null;
            });
            StoreStats stats = store.stats();
            assertTrue(stats.bytes() <= LIMIT, stats.toString());
            assertEquals(40_000, stats.totalItems());
            assertEquals(stats.totalItems(), stats.currItems() + stats.evictions());
        }
    }

    @Test
    void theSweepReclaimsExpiredItemsWithoutAccess() {
        try (MemoryStore store = quietStore(0)) {
            for (int i = 0; i < 20; i++) {
                store.set(key(i), value(i), 0, clock.millis() + 100);
            }
            for (int i = 20; i < 25; i++) {
                store.set(key(i), value(i), 0, Item.NEVER);
            }
            assertEquals(0, store.sweepOnce());
            clock.advance(100);
            assertEquals(20, store.sweepOnce());
            StoreStats stats = store.stats();
            assertEquals(20, stats.reclaimed());
            assertEquals(5, stats.currItems());
            assertEquals(5L * ITEM_BYTES, stats.bytes());
            assertEquals(0, store.sweepOnce());
        }
    }

    @Test
    void theSweepRemovesFlushedItemsWithoutCountingThemAsReclaimed() {
        try (MemoryStore store = quietStore(0)) {
            store.set(key(1), value(1), 0, Item.NEVER);
            store.flushAll(clock.millis() + 10);
            clock.advance(10);
            assertEquals(1, store.sweepOnce());
            assertEquals(0, store.stats().reclaimed());
            assertEquals(0, store.stats().bytes());
        }
    }

    @Test
    void oneSweepLooksAtABoundedBatchAndTheNextGoesOn() {
        int extra = 5_000;
        try (MemoryStore store = quietStore(0)) {
            for (int i = 0; i < MemoryStore.SWEEP_BATCH + extra; i++) {
                store.set(b("k" + i), b("v"), 0, clock.millis() + 1);
            }
            clock.advance(1);
            assertEquals(MemoryStore.SWEEP_BATCH, store.sweepOnce());
            assertEquals(extra, store.sweepOnce());
            assertEquals(0, store.stats().currItems());
            assertEquals(MemoryStore.SWEEP_BATCH + extra, store.stats().reclaimed());
        }
    }

    @Test
    void theBackgroundSweepRunsByItself() throws InterruptedException {
        try (MemoryStore store = new MemoryStore(clock, 0, Duration.ofMillis(5))) {
            for (int i = 0; i < 10; i++) {
                store.set(key(i), value(i), 0, clock.millis() + 1);
            }
            clock.advance(1);
            // Real threads: wait for the sweeper, but no longer than the deadline.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (store.stats().reclaimed() < 10 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(10, store.stats().reclaimed());
            assertEquals(0, store.stats().currItems());
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        MemoryStore store = new MemoryStore(clock, 0);
        store.close();
        store.close();
    }

    @Test
    void raisingTheCasFloorMakesLaterTokensLarger() {
        try (MemoryStore store = quietStore(0)) {
            store.raiseCasFloor(1_000_000);
            long first = stored(store.set(b("k"), b("v"), 0, Item.NEVER));
            assertTrue(first > 1_000_000);
            store.raiseCasFloor(5);
            long second = stored(store.set(b("k"), b("w"), 0, Item.NEVER));
            assertTrue(second > first);
            CounterResult.Counted counted = StoreContractTest.counted(
                    store.adjust(b("n"), 1, false, new CounterResult.Vivify(0, Item.NEVER)));
            assertTrue(counted.cas() > second);
        }
    }

    @Test
    void aLargeValueKeepsTheArrayItIsGivenAndASmallOneIsHeldWithItsKey() {
        try (MemoryStore store = quietStore(0)) {
            byte[] large = new byte[Slot.INLINE_MAX_VALUE_BYTES + 1];
            store.set(b("large"), large, 0, Item.NEVER);
            assertSame(large, hit(store.get(b("large"))).value());
            byte[] small = b("v");
            store.set(b("small"), small, 0, Item.NEVER);
            byte[] read = hit(store.get(b("small"))).value();
            assertArrayEquals(small, read);
            assertNotSame(small, read, "copied into the slot's one array");
            read[0] = 'x'; // a reader's copy is its own
            assertEquals("v", text(hit(store.get(b("small")))));
        }
    }

    @Test
    void anItemHeldApartCountsItsSecondArray() {
        try (MemoryStore store = quietStore(0)) {
            int inline = Slot.INLINE_MAX_VALUE_BYTES;
            store.set(b("k"), new byte[inline], 0, Item.NEVER);
            assertEquals(MemoryStore.ITEM_OVERHEAD_BYTES + 1 + inline, store.stats().bytes());
            store.set(b("k"), new byte[inline + 1], 0, Item.NEVER);
            assertEquals(MemoryStore.ITEM_OVERHEAD_BYTES + MemoryStore.DETACHED_OVERHEAD_BYTES + 1 + inline + 1,
                    store.stats().bytes());
            store.delete(b("k"), Store.ANY_CAS);
            byte[] longestInlineKey = new byte[Slot.INLINE_MAX_KEY_BYTES];
            store.set(longestInlineKey, b("v"), 0, Item.NEVER);
            assertEquals(MemoryStore.ITEM_OVERHEAD_BYTES + longestInlineKey.length + 1, store.stats().bytes());
            byte[] longKey = new byte[Slot.INLINE_MAX_KEY_BYTES + 1];
            store.set(longKey, b("v"), 0, Item.NEVER);
            assertEquals(2 * MemoryStore.ITEM_OVERHEAD_BYTES + MemoryStore.DETACHED_OVERHEAD_BYTES
                    + longestInlineKey.length + longKey.length + 2, store.stats().bytes());
            assertEquals("v", text(hit(store.get(longestInlineKey))));
            assertEquals("v", text(hit(store.get(longKey))));
            store.flushAll(clock.millis());
            assertEquals(0, store.stats().bytes());
        }
    }

    @Test
    void touchKeepsTheValueAndItsAccount() {
        try (MemoryStore store = quietStore(0)) {
            byte[] large = new byte[Slot.INLINE_MAX_VALUE_BYTES + 1];
            store.set(b("large"), large, 0, Item.NEVER);
            store.set(b("small"), b("v"), 7, Item.NEVER);
            long bytes = store.stats().bytes();
            assertSame(large, hit(store.touch(b("large"), clock.millis() + 10)).value());
            Item touched = hit(store.touch(b("small"), clock.millis() + 10));
            assertEquals(7, touched.flags());
            assertEquals("v", text(touched));
            assertEquals(bytes, store.stats().bytes());
        }
    }
}
