package dev.speicherd.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The concurrent hash table of {@link MemoryStore}: slots by key, with no per-entry object of
 * its own, so that an entry costs its slot (see {@link Slot}) plus a few bytes of table. Slots
 * are held as {@code Object}s, since a small one is a bare {@code byte[]}.
 *
 * <p><b>Shape.</b> {@link #STRIPES} stripes, each an open-addressing array of slot references
 * probed linearly, behind its own lock. A stripe is picked by the low bits of the key's hash
 * and a position in it by the high ones. A removed slot leaves a tombstone, so that the probe
 * sequences of other keys stay intact without moving anything a reader might be looking at.
 * When live slots and tombstones fill three quarters of a stripe, the stripe is rebuilt at
 * twice its live count, without tombstones: a stripe is 50 to 75 % full, 5.3 to 8 bytes of
 * array per entry. A stripe that removals leave under a quarter full is rebuilt smaller.
 *
 * <p><b>Concurrency.</b> Readers take no lock: they read the stripe's array, then its elements,
 * with acquire semantics. Writers change one element with release semantics, or
 * publish a rebuilt array, under the stripe's lock; a rebuilt array is new, so a reader on the
 * old one sees that stripe as it was just before. {@link #compute} runs its function under that
 * lock, which makes a change of one key atomic; keys in other stripes never wait for it.
 *
 * <p>Sizes and cursors are weakly consistent, as {@code ConcurrentHashMap}'s are.
 */
final class SlotTable {

    /** Stripes: enough that writers rarely share a lock, few enough to cost nothing empty. */
    static final int STRIPES = 256;
    private static final int MIN_CAPACITY = 8;
    private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle ARRAYS = MethodHandles.arrayElementVarHandle(Object[][].class);
    /** What a removed slot leaves behind: never a slot, skipped by every probe. */
    private static final Object TOMBSTONE = new Object();

    private final Stripe[] stripes = new Stripe[STRIPES];
    /**
     * Each stripe's array, where readers find it: apart from the stripe, whose lock and counts
     * every write to the stripe changes, so that a lookup on one core does not wait for a line
     * that a write on the other has taken. Written only when a stripe is rebuilt.
     */
    private final Object[][] arrays = new Object[STRIPES][];

    SlotTable() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(arrays, i);
        }
    }

    /** Returns the slot under {@code key}, or null; never blocks. */
    Object get(Key key) {
        Object[] slots = slotsOf(key.hash());
        int capacity = slots.length;
        int hash = key.hash();
        byte[] bytes = key.bytes();
        int i = home(hash, capacity);
        for (int probes = 0; probes < capacity; probes++) {
            Object slot = ELEMENTS.getAcquire(slots, i);
            if (slot == null) {
                return null;
            }
            if (slot != TOMBSTONE && Slot.hasKey(slot, bytes, hash)) {
                return slot;
            }
            i = i + 1 == capacity ? 0 : i + 1;
        }
        return null;
    }

    /**
     * Returns the array in which a key with table hash {@code hash} is looked up: a reader that
     * loads memory ahead of its lookups loads this first, then {@link #firstTwoProbed} from it.
     * Never blocks.
     */
    Object[] slotsOf(int hash) {
        return array(hash & (STRIPES - 1));
    }

    /**
     * Puts the first two slots that a {@link #get} of a key with table hash {@code hash} would
     * look at in {@code slots} (from {@link #slotsOf}) into {@code into} at {@code at} and {@code
     * at + 1}, null where there is none: the key's own or others', for a reader that loads memory
     * ahead of its lookups. They lie side by side, so the second costs the first's wait. Never
     * blocks.
     */
    static void firstTwoProbed(Object[] slots, int hash, Object[] into, int at) {
        int capacity = slots.length;
        int i = home(hash, capacity);
        Object first = ELEMENTS.getAcquire(slots, i);
        Object second = first == null ? null : ELEMENTS.getAcquire(slots, i + 1 == capacity ? 0 : i + 1);
        into[at] = first == TOMBSTONE ? null : first;
        into[at + 1] = second == TOMBSTONE ? null : second;
    }

    /**
     * Replaces the slot under {@code key} (null for none) with what {@code remap} returns for it
     * (null to remove it), atomically for that key. A {@code remap} that throws changes
     * nothing. The slot it returns must hold {@code key}, and {@code remap} must not use the
     * table: it runs under a stripe's lock, in the middle of a probe.
     */
    void compute(Key key, UnaryOperator<Object> remap) {
        Stripe stripe = stripeOf(key.hash());
        stripe.lock();
        try {
            stripe.compute(key.hash(), key.bytes(), null, remap);
        } finally {
            stripe.unlock();
        }
    }

    /**
     * Like {@link #compute}, but only while {@code expected} is still the slot under its key;
     * otherwise does nothing.
     *
     * @return whether {@code expected} was still there and {@code remap} ran
     */
    boolean computeIfStill(Object expected, UnaryOperator<Object> remap) {
        Stripe stripe = stripeOf(Slot.hash(expected));
        stripe.lock();
        try {
            return stripe.compute(Slot.hash(expected), null, expected, remap);
        } finally {
            stripe.unlock();
        }
    }

    /** Removes {@code expected} if it is still the slot under its key. */
    boolean remove(Object expected) {
        return computeIfStill(expected, unused -> null);
    }

    /** Returns the number of slots, read stripe by stripe without locking. */
    long size() {
        long size = 0;
        for (Stripe stripe : stripes) {
            size += stripe.live;
        }
        return size;
    }

    /** Returns the bytes of the stripes' arrays, for measurements. */
    long tableBytes() {
        long bytes = 0;
        for (int i = 0; i < STRIPES; i++) {
            bytes += 16L + 4L * array(i).length;
        }
        return bytes;
    }

    /**
     * How the slots lie in the stripes, for measurements: a lookup probes one element more than
     * the key's displacement from its home, and a run (elements with no empty one between) is
     * what a probe may have to cross. Read without locking, so only roughly consistent.
     */
    record Shape(long live, long tombstones, double fill, double meanDisplacement, int longestRun) {}

    /** Measures the {@link Shape} of the table, reading every element. */
    Shape shape() {
        long capacity = 0;
        long live = 0;
        long tombstones = 0;
        long displacement = 0;
        int longestRun = 0;
        for (int s = 0; s < STRIPES; s++) {
            Object[] slots = array(s);
            int length = slots.length;
            capacity += length;
            int run = 0;
            for (int i = 0; i < length; i++) {
                Object slot = slots[i];
                if (slot == null) {
                    run = 0;
                    continue;
                }
                longestRun = Math.max(longestRun, ++run);
                if (slot == TOMBSTONE) {
                    tombstones++;
                } else {
                    live++;
                    displacement += Math.floorMod(i - home(Slot.hash(slot), length), length);
                }
            }
        }
        return new Shape(live, tombstones, (live + tombstones) / (double) capacity,
                live == 0 ? 0 : displacement / (double) live, longestRun);
    }

    /** Starts a pass over every slot, see {@link Cursor}. */
    Cursor cursor() {
        return new Cursor();
    }

    /** The array of stripe {@code stripe}, as published by its last rebuild. */
    private Object[] array(int stripe) {
        return (Object[]) ARRAYS.getAcquire(arrays, stripe);
    }

    private Stripe stripeOf(int hash) {
        return stripes[hash & (STRIPES - 1)];
    }

    /** Where {@code hash} starts probing in an array of {@code capacity}: from its high bits. */
    private static int home(int hash, int capacity) {
        return (int) (((long) hash * capacity) >>> 31);
    }

    /**
     * A walk over every slot of the table, one stripe at a time, while writers carry on: a slot
     * present throughout the walk is seen once, others may or may not be, and a slot seen may
     * have been replaced since (which conditional removal tells).
     */
    final class Cursor {
        private int stripe;
        private Object[] slots;
        /** How many elements of {@link #slots} were visited. */
        private int visited;
        private int position;
        private int step;

        private Cursor() {}

        /** Returns the next slot, or null when the pass is over. */
        Object next() {
            while (true) {
                if (slots == null) {
                    if (stripe == STRIPES) {
                        return null;
                    }
                    slots = array(stripe);
                    visited = 0;
                    position = 0;
                    step = strideFor(slots.length);
                }
                while (visited < slots.length) {
                    Object slot = ELEMENTS.getAcquire(slots, position);
                    visited++;
                    position += step;
                    if (position >= slots.length) {
                        position -= slots.length;
                    }
                    if (slot != null && slot != TOMBSTONE) {
                        return slot;
                    }
                }
                slots = null;
                stripe++;
            }
        }
    }

    /**
     * The step by which a {@link Cursor} walks an array of {@code length}: coprime with it, so
     * that the walk visits every element once, and large, so that consecutive visits fall far
     * apart. A walk in array order is a walk in hash order (a key's home comes from its hash), so
     * the eviction hand, which removes what it passes, would leave a stripe whose survivors all
     * hash high; rebuilt at twice their number, they would pile into one cluster of thousands of
     * slots, and every lookup there would probe through it.
     */
    static int strideFor(int length) {
        if (length <= 2) {
            return 1;
        }
        int step = (int) (length * 0.6180339887) | 1;
        while (gcd(step, length) != 1) {
            step += 2;
        }
        return step % length;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** One stripe: an array probed linearly and the lock its writers take. */
    private static final class Stripe extends ReentrantLock {

        /** The table's arrays, of which this stripe's is replaced whole when rebuilt, under the lock. */
        private final Object[][] arrays;
        private final int index;
        /** Live slots; written under the lock, read without by {@link SlotTable#size}. */
        int live;
        /** Live slots plus tombstones; under the lock. */
        private int used;

        Stripe(Object[][] arrays, int index) {
            this.arrays = arrays;
            this.index = index;
            arrays[index] = new Object[MIN_CAPACITY];
        }

        /**
         * Finds the slot with {@code key} (or, when {@code key} is null, the slot {@code
         * expected} itself) and puts what {@code remap} makes of it in its place. Under the lock.
         *
         * @return false when {@code expected} was given and is gone, so nothing ran
         */
        boolean compute(int hash, byte[] key, Object expected, UnaryOperator<Object> remap) {
            Object[] array = arrays[index];
            int capacity = array.length;
            int i = home(hash, capacity);
            int firstTombstone = -1;
            Object current = null;
            for (int probes = 0; probes < capacity; probes++) {
                Object slot = array[i];
                if (slot == null) {
                    break;
                }
                if (slot == TOMBSTONE) {
                    if (firstTombstone < 0) {
                        firstTombstone = i;
                    }
                } else if (expected != null ? slot == expected : Slot.hasKey(slot, key, hash)) {
                    current = slot;
                    break;
                }
                i = i + 1 == capacity ? 0 : i + 1;
            }
            if (expected != null && current == null) {
                return false;
            }
            Object next = remap.apply(current);
            if (next == current) {
                return true;
            }
            if (current != null) {
                ELEMENTS.setRelease(array, i, next == null ? TOMBSTONE : next);
                if (next == null) {
                    live--;
                    if (live < capacity / 4 && capacity > MIN_CAPACITY) {
                        rebuild();
                    }
                }
                return true;
            }
            // A new key: into the first tombstone on its way, else the empty element that ended
            // the probe. Nothing past that element holds the key, so nothing is duplicated.
            if (firstTombstone >= 0) {
                i = firstTombstone;
            } else {
                used++;
            }
            ELEMENTS.setRelease(array, i, next);
            live++;
            if (used > capacity / 4 * 3) {
                rebuild();
            }
            return true;
        }

        /** Copies the live slots into a new array of twice their number and publishes it. */
        private void rebuild() {
            Object[] old = arrays[index];
            Object[] fresh = new Object[Math.max(MIN_CAPACITY, 2 * live)];
            int capacity = fresh.length;
            for (Object slot : old) {
                if (slot != null && slot != TOMBSTONE) {
                    int i = home(Slot.hash(slot), capacity);
                    while (fresh[i] != null) {
                        i = i + 1 == capacity ? 0 : i + 1;
                    }
                    fresh[i] = slot;
                }
            }
            used = live;
            ARRAYS.setRelease(arrays, index, fresh);
        }
    }
}
