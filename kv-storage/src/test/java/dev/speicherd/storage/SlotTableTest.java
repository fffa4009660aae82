package dev.speicherd.storage;

import static dev.speicherd.storage.StoreContractTest.b;
import static dev.speicherd.storage.StoreContractTest.runConcurrently;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The store's hash table on its own: a model check, shrinking, and readers racing rebuilds. */
final class SlotTableTest {

    private static Key key(String text) {
        return new Key(b(text));
    }

    private static Object slot(Key key, long cas) {
        return Slot.of(key, b("v" + cas), 0, 0L, cas, 0L);
    }

    private static void put(SlotTable table, Key key, Object slot) {
        table.compute(key, old -> slot);
    }

    /** A table holding keys k0 to k{n - 1}. */
    private static SlotTable filled(int n) {
        SlotTable table = new SlotTable();
        for (int i = 0; i < n; i++) {
            Key key = key("k" + i);
            put(table, key, slot(key, i + 1));
        }
        return table;
    }

    private static void remove(SlotTable table, Key key) {
        table.compute(key, old -> null);
    }

    @Test
    void randomPutsAndRemovesAgreeWithAHashMap() {
        SlotTable table = new SlotTable();
        Map<String, Object> model = new HashMap<>();
        Random random = new Random(42);
        for (int op = 0; op < 200_000; op++) {
            // A keyspace small enough to revisit keys, so tombstones are both made and reused.
            String name = "k" + random.nextInt(op < 100_000 ? 20_000 : 2_000);
            Key key = key(name);
            if (random.nextInt(3) == 0) {
                remove(table, key);
                model.remove(name);
            } else {
                Object slot = slot(key, op + 1);
                put(table, key, slot);
                model.put(name, slot);
            }
            assertSame(model.get(name), table.get(key), name);
        }
        assertEquals(model.size(), table.size());
        for (Map.Entry<String, Object> entry : model.entrySet()) {
            assertSame(entry.getValue(), table.get(key(entry.getKey())), entry.getKey());
        }
        for (int i = 20_000; i < 21_000; i++) {
            assertNull(table.get(key("k" + i)));
        }
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        SlotTable.Cursor cursor = table.cursor();
        for (Object slot = cursor.next(); slot != null; slot = cursor.next()) {
            assertNull(seen.put(slot, Boolean.TRUE), "a pass sees every slot once");
        }
        assertEquals(model.size(), seen.size());
        assertTrue(seen.keySet().containsAll(model.values()));
    }

    /**
     * The eviction hand is a cursor and removes what it passes. Walking a stripe in array order
     * is walking it in hash order, which left the survivors all hashing high; rebuilt smaller,
     * they piled into one cluster that every lookup probed through (at a memory limit of 1 GiB,
     * 5.4 million items: mean displacement 7 slots and rising, runs of 2,400).
     */
    @Test
    void aCursorsFirstVisitsInAStripeSpreadOverItsHashRange() {
        SlotTable table = filled(200_000);
        int inFirstStripe = 0;
        SlotTable.Cursor count = table.cursor();
        for (Object slot = count.next(); slot != null; slot = count.next()) {
            if ((Slot.hash(slot) & (SlotTable.STRIPES - 1)) == 0) {
                inFirstStripe++;
            }
        }
        assertTrue(inFirstStripe > 400, "" + inFirstStripe);
        SlotTable.Cursor cursor = table.cursor(); // the first stripe comes first
        int quarter = inFirstStripe / 4;
        int upperHalf = 0;
        for (int i = 0; i < quarter; i++) {
            if (Slot.hash(cursor.next()) > Integer.MAX_VALUE / 2) {
                upperHalf++;
            }
        }
        // In array order almost none would hash into the upper half (only some wrapped around).
        double share = upperHalf / (double) quarter;
        assertTrue(share > 0.35 && share < 0.65, "of the first quarter, " + share + " hash into the upper half");
    }

    @Test
    void theShapeCountsLiveSlotsTombstonesAndHowFarKeysLieFromHome() {
        SlotTable table = filled(10_000);
        SlotTable.Shape full = table.shape();
        assertEquals(10_000, full.live());
        assertEquals(0, full.tombstones());
        assertTrue(full.fill() > 0.4 && full.fill() <= 0.75, "" + full);
        assertTrue(full.meanDisplacement() < 3 && full.longestRun() >= 1, "" + full);
        for (int i = 0; i < 1_000; i++) {
            remove(table, key("k" + i));
        }
        SlotTable.Shape after = table.shape();
        assertEquals(9_000, after.live());
        assertTrue(after.tombstones() > 0 && after.tombstones() <= 1_000, "" + after);
    }

    @Test
    void aCursorsStrideVisitsEveryElementOnce() {
        for (int length = 1; length <= 3_000; length++) {
            int stride = SlotTable.strideFor(length);
            boolean[] seen = new boolean[length];
            int position = 0;
            for (int i = 0; i < length; i++) {
                assertFalse(seen[position], "length " + length + ", stride " + stride);
                seen[position] = true;
                position = (position + stride) % length;
            }
        }
    }

    @Test
    void theTableShrinksWhenItsKeysAreRemoved() {
        SlotTable table = new SlotTable();
        long empty = table.tableBytes();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            Key key = key("k" + i);
            put(table, key, slot(key, i + 1));
        }
        long full = table.tableBytes();
        // 4-byte references in stripes 50 to 75 % full
        assertTrue(full >= empty + 4L * n * 4 / 3 && full <= empty + 8L * n + 16L * SlotTable.STRIPES, "" + full);
        for (int i = 0; i < n; i++) {
            remove(table, key("k" + i));
        }
        assertEquals(0, table.size());
        assertEquals(empty, table.tableBytes());
        assertNull(table.cursor().next());
    }

    @Test
    void aRemapThatThrowsChangesNothing() {
        SlotTable table = new SlotTable();
        Key a = key("a");
        Object first = slot(a, 1);
        put(table, a, first);
        assertThrows(IllegalStateException.class, () -> table.compute(a, old -> {
            throw new IllegalStateException();
        }));
        assertThrows(IllegalStateException.class, () -> table.compute(key("b"), old -> {
            throw new IllegalStateException();
        }));
        assertSame(first, table.get(a));
        assertNull(table.get(key("b")));
        assertEquals(1, table.size());
    }

    @Test
    void conditionalRemovalTakesOnlyTheSlotItWasGiven() {
        SlotTable table = new SlotTable();
        Key a = key("a");
        Object first = slot(a, 1);
        put(table, a, first);
        Object second = slot(a, 2);
        put(table, a, second);
        assertFalse(table.remove(first));
        assertSame(second, table.get(a));
        assertTrue(table.remove(second));
        assertNull(table.get(a));
        assertFalse(table.remove(second));
    }

    @Test
    void readersNeverMissAKeyWhileOtherKeysChurnAndStripesAreRebuilt() throws Exception {
        SlotTable table = new SlotTable();
        int stable = 2_000;
        Key[] keys = new Key[stable];
        Object[] slots = new Object[stable];
        for (int i = 0; i < stable; i++) {
            keys[i] = key("stable-" + i);
            slots[i] = slot(keys[i], i + 1);
            put(table, keys[i], slots[i]);
        }
        AtomicInteger writers = new AtomicInteger(2);
        AtomicLong reads = new AtomicLong();
        runConcurrently(4, thread -> {
            if (thread < 2) {
                // Writers: waves of inserts and removals grow and shrink every stripe, over and over.
                try {
                    for (int round = 0; round < 4; round++) {
                        for (int i = 0; i < 20_000; i++) {
                            Key key = key("churn-" + thread + "-" + i);
                            put(table, key, slot(key, i + 1));
                        }
                        for (int i = 0; i < 20_000; i++) {
                            remove(table, key("churn-" + thread + "-" + i));
                        }
                    }
                } finally {
                    writers.decrementAndGet();
                }
            } else {
                Random random = new Random(thread);
                while (writers.get() > 0) {
                    int i = random.nextInt(stable);
                    assertSame(slots[i], table.get(keys[i]), "stable key " + i);
                    reads.incrementAndGet();
                }
            }
            return null;
        });
        assertTrue(reads.get() > 0);
        assertEquals(stable, table.size());
    }

    /** The first two slots a lookup of {@code key} probes, as a reader loading ahead sees them. */
    private static Object[] firstTwo(SlotTable table, Key key) {
        Object[] into = {"untouched", "x", "x", "untouched"};
        SlotTable.firstTwoProbed(table.slotsOf(key.hash()), key.hash(), into, 1);
        assertEquals("untouched", into[0], "only the two places asked for are written");
        assertEquals("untouched", into[3], "only the two places asked for are written");
        return new Object[] {into[1], into[2]};
    }

    @Test
    void theFirstTwoProbedSlotsStartWithTheKeysOwnWhenAloneAndAreNeverTombstones() {
        SlotTable table = new SlotTable();
        Key a = key("a");
        assertArrayEquals(new Object[] {null, null}, firstTwo(table, a), "an empty table");
        Object first = slot(a, 1);
        put(table, a, first);
        assertArrayEquals(new Object[] {first, null}, firstTwo(table, a), "alone, its neighbour empty");
        remove(table, a);
        assertArrayEquals(new Object[] {null, null}, firstTwo(table, a), "a removed slot's tombstone is no slot");
        // Enough keys that some share a stripe and a home, where a probe meets another's slot.
        Key[] keys = new Key[5_000];
        Map<Object, Key> owners = new IdentityHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key("c" + i);
            Object slot = slot(keys[i], 10 + i);
            put(table, keys[i], slot);
            owners.put(slot, keys[i]);
        }
        int ownFirst = 0;
        int ownSecond = 0;
        for (Key k : keys) {
            Object[] probed = firstTwo(table, k);
            // A key's home was taken when it was stored, and none of these keys was removed.
            assertTrue(owners.containsKey(probed[0]), "a live slot of the table");
            assertTrue(probed[1] == null || owners.containsKey(probed[1]), "a live slot of the table, or none");
            if (owners.get(probed[0]).equals(k)) {
                assertSame(table.get(k), probed[0]);
                ownFirst++;
            } else if (probed[1] != null && owners.get(probed[1]).equals(k)) {
                assertSame(table.get(k), probed[1]);
                ownSecond++;
            }
        }
        assertTrue(ownFirst > keys.length / 2 && ownFirst < keys.length, ownFirst + " keys probe their own slot first");
        assertTrue(ownSecond > 0, "some keys probe their own slot second");
    }
}
