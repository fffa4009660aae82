package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.CounterResult;
import dev.speicherd.api.DeleteResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.ItemReader;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.StorageException;
import dev.speicherd.api.Store;
import dev.speicherd.api.StoreStats;
import dev.speicherd.api.WriteMode;
import dev.speicherd.api.WriteResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The in-memory engine: every item in one {@link SlotTable}, nothing on disk.
 *
 * <p><b>Concurrency.</b> Reads are lock-free table lookups and never block. Every mutation of
 * one key runs inside {@link SlotTable#compute}, under the lock of the key's stripe, which makes
 * it atomic for that key without a store-wide lock; writers to different keys only meet when
 * their keys share one of the table's {@value SlotTable#STRIPES} stripes. Compare-and-swap
 * tokens come from one {@link AtomicLong}, so every mutation gets a larger token than any before.
 *
 * <p><b>Expiry and flush.</b> A dead item (expired, or invalidated by {@link #flushAll}) is never
 * returned and counts as missing. It is removed when an operation meets it, and a background
 * sweep, once every {@link #SWEEP_INTERVAL}, looks at up to {@link #SWEEP_BATCH} entries, going on
 * where the previous sweep stopped, and removes the dead ones. Expired items removed either way
 * count as {@link StoreStats#reclaimed()}. A delayed flush is a time stamp, not a timer: from that
 * time on, items written before it read as dead.
 *
 * <p><b>Memory.</b> A small item is one array holding its fields, key and value, reached from
 * one element of the table; {@link Slot} says how, and how large values are kept apart. The engine counts
 * for every item its key and value lengths plus {@link #ITEM_OVERHEAD_BYTES}, which is what the
 * JVM spends beyond them, rounded up so that the count bounds the heap the items take (with
 * compressed oops, i.e. a heap under 32 GiB), plus {@link #DETACHED_OVERHEAD_BYTES} for an item
 * whose key and value are held apart.
 *
 * <p><b>Memory limit.</b> When a mutation pushes the count over the limit, the writer evicts
 * other items with the CLOCK policy, an approximation of least-recently-used: a hand walks the
 * table; an item read (or written) since the hand last passed gets a second chance, any other is
 * evicted. The item just written is never its own writer's victim; an item larger than the whole
 * limit is still stored, at the cost of everything else. Only one thread moves the hand at a
 * time, but no writer waits for it: if the hand is busy, its holder evicts for everyone.
 *
 * <p><b>Journal.</b> A durable engine builds this store with a {@link Journal} and hears of
 * every change from inside its atomic section, evictions included, so that its log holds the
 * keys' changes in the order memory saw them. A journal that throws aborts the change: the table,
 * the byte count and the counters stay as they were. The store on its own journals nothing.
 *
 * <p>Thread-safe, as {@link Store} requires. The store owns the arrays passed to it. It hands
 * out a large value's own array, and a copy of a small one, which it holds together with its key
 * (see {@link Slot}).
 */
public final class MemoryStore implements Store {

    /** The heap bytes of an array before its elements: header and length. */
    private static final int ARRAY_HEADER_BYTES = 16;
    /** Objects take multiples of 8 bytes, so an array's end wastes up to 7. */
    private static final int ALIGNMENT_BYTES = 7;
    /** A reference of 4 bytes in a table at least half full, see {@link SlotTable}. */
    private static final int TABLE_BYTES_PER_ITEM = 8;
    /**
     * The heap bytes of a {@link Slot.Detached}: a 12-byte header, two ints, three longs, two
     * references, 52 rounded up to a multiple of 8.
     */
    private static final int DETACHED_SLOT_BYTES = 56;

    /**
     * Bytes counted per item beyond its key and value: its array's header, the slot's header
     * in it, the array's alignment and the item's share of the table, each at its most, so
     * that the count is not below what the heap holds. 64 with compressed oops; the bytes
     * actually taken average about 60 (see {@code MemoryPerItemBenchmark}).
     */
    public static final long ITEM_OVERHEAD_BYTES =
            ARRAY_HEADER_BYTES + Slot.HEADER_BYTES + ALIGNMENT_BYTES + TABLE_BYTES_PER_ITEM;
    /**
     * Bytes counted, beyond {@link #ITEM_OVERHEAD_BYTES}, for an item whose key and value are
     * held in arrays of their own ({@link Slot.Detached}): the slot object and a second array's
     * header and alignment, less the inline header such an item does without. 46, so that such
     * an item counts 110 bytes beyond its key and value.
     */
    public static final long DETACHED_OVERHEAD_BYTES =
            DETACHED_SLOT_BYTES + ARRAY_HEADER_BYTES + ALIGNMENT_BYTES - Slot.HEADER_BYTES;
    /** How often the background sweep runs. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
    /** The most entries one background sweep looks at, so a sweep of a huge table stays short. */
    static final int SWEEP_BATCH = 10_000;
    /** The most decimal digits a counter may have: 2^64 - 1 has 20. */
    private static final int MAX_COUNTER_DIGITS = 20;

    private static final System.Logger LOG = System.getLogger(MemoryStore.class.getName());

    private final Clock clock;
    private final Journal journal;
    private volatile long limitBytes;
    private final SlotTable table = new SlotTable();
    /**
     * Where {@link #read(List, ItemReader)} and {@link #prefetch} would put the sum of what they
     * read ahead, were it ever {@code Integer.MIN_VALUE}; never read. A write on every multi-get
     * would have every loop thread write to this object, whose fields every request of the other
     * threads reads.
     */
    private int lookAheadSink;
    private final AtomicLong lastCas = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final LongAdder totalItems = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder reclaimed = new LongAdder();
    private volatile FlushSchedule flush = FlushSchedule.NONE;
    private final Object flushLock = new Object();

    /** Guards {@link #evictionHand}; writers only ever try it, never wait for it. */
    private final ReentrantLock evictionLock = new ReentrantLock();
    private SlotTable.Cursor evictionHand;

    /** Guards {@link #sweepHand}, between the sweeper thread and tests that sweep by hand. */
    private final Object sweepLock = new Object();
    private SlotTable.Cursor sweepHand;
    private final ScheduledExecutorService sweeper;

    /**
     * Creates an empty store and starts its background sweep.
     *
     * @param clock the time source for expiry and flushes
     * @param memoryLimitBytes the most bytes items may take, by this engine's accounting, before
     *     it evicts; 0 for no limit
     * @throws IllegalArgumentException if {@code memoryLimitBytes} is negative
     */
    public MemoryStore(Clock clock, long memoryLimitBytes) {
        this(clock, memoryLimitBytes, SWEEP_INTERVAL);
    }

    /**
     * Creates an empty store.
     *
     * @param clock the time source for expiry and flushes
     * @param memoryLimitBytes the memory limit, or 0 for none
     * @param sweepInterval how often to sweep in the background; zero for never (tests call
     *     {@link #sweepOnce()} instead)
     */
    MemoryStore(Clock clock, long memoryLimitBytes, Duration sweepInterval) {
        this(clock, memoryLimitBytes, sweepInterval, Journal.NONE);
    }

    /**
     * Creates an empty store that reports every change to {@code journal}.
     *
     * @param clock the time source for expiry and flushes
     * @param memoryLimitBytes the memory limit, or 0 for none
     * @param sweepInterval how often to sweep in the background; zero for never
     * @param journal where changes go, from inside their atomic sections
     */
    MemoryStore(Clock clock, long memoryLimitBytes, Duration sweepInterval, Journal journal) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.journal = Objects.requireNonNull(journal, "journal");
        if (memoryLimitBytes < 0) {
            throw new IllegalArgumentException("memory limit must not be negative: " + memoryLimitBytes);
        }
        this.limitBytes = memoryLimitBytes;
        if (sweepInterval.isZero()) {
            this.sweeper = null;
        } else {
            this.sweeper = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("speicherd-sweeper").factory());
            long every = sweepInterval.toMillis();
            sweeper.scheduleWithFixedDelay(this::sweepInBackground, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Makes every token handed out from now on larger than {@code cas}. A durable engine calls
     * this after replaying its log, so that tokens keep growing across restarts. Never lowers
     * the floor.
     *
     * @param cas the largest token already handed out elsewhere
     */
    public void raiseCasFloor(long cas) {
        lastCas.accumulateAndGet(cas, Math::max);
    }

    @Override
    public Lookup get(byte[] key) {
        Object slot = live(key);
        return slot == null ? Lookup.MISS : new Lookup.Hit(Slot.item(slot));
    }

    /**
     * Looks every key up first, then reads the items found. Each lookup waits on memory a few
     * times, each wait depending on the one before: the table element, the slot, the end of its
     * value. So the keys are first warmed up together ({@link #warmUp}, as {@link #prefetch}
     * does for the keys of several requests), and the lookups proper then find that memory in
     * the cache, and read each value's last byte too, so that the replies find the whole value
     * there. Under memaslap's multi-get of 10 keys: +6 % for looking up before reading, +8 % with
     * the last byte, +4-6 % for two stages of warming up before (docs/performance-log.md). One
     * key has nothing to overlap: it is read at once, with no array.
     */
    @Override
    public <X extends Exception> int read(List<byte[]> keys, ItemReader<X> reader) throws X {
        int count = keys.size();
        long now = clock.millis();
        if (count == 1) {
            Object slot = live(keys.get(0), now);
            if (slot == null) {
                return 0;
            }
            Slot.read(slot, 0, reader);
            return 1;
        }
        // Hashes rather than keys kept between the stages: a Key that stays inside one lookup
        // is never allocated (escape analysis), an array of them would be.
        int[] hashes = new int[count];
        for (int i = 0; i < count; i++) {
            hashes[i] = Key.hash(keys.get(i));
        }
        int touched = warmUp(hashes, count);
        Object[] found = new Object[count];
        for (int i = 0; i < count; i++) {
            Object slot = live(new Key(keys.get(i), hashes[i]), now);
            found[i] = slot;
            if (slot != null) {
                touched += Slot.lastByte(slot);
            }
        }
        keepAlive(touched);
        int hits = 0;
        for (int i = 0; i < count; i++) {
            Object slot = found[i];
            if (slot != null) {
                Slot.read(slot, i, reader);
                hits++;
            }
        }
        return hits;
    }

    /** Warms up the keys' lookups together, see {@link #warmUp}; nothing is marked as read, nothing dead is removed. */
    @Override
    public void prefetch(byte[][] buffers, int[] offsets, int[] lengths, int count) {
        int[] hashes = new int[count];
        for (int i = 0; i < count; i++) {
            hashes[i] = Key.hash(buffers[i], offsets[i], lengths[i]);
        }
        keepAlive(warmUp(hashes, count));
    }

    /** Keeps the reads that summed to {@code touched} from being compiled away. */
    private void keepAlive(int touched) {
        if (touched == Integer.MIN_VALUE) { // never in practice; the compiler keeps the reads for it
            lookAheadSink = touched;
        }
    }

    /**
     * Loads what the lookups of keys with these table hashes touch first, in stages: each a loop
     * over all keys whose loads do not wait on one another, so that the processor overlaps them.
     * Each key's stripe array; its length; the first two table elements its probe visits (side
     * by side: one wait for both; a probe visits 1.8 on average); last the slots those hold, the
     * first one's header and its value's last byte, the second one's header. A slot may be
     * another key's, which costs a load and nothing else.
     *
     * @return a sum of what was read, for the caller to keep the reads alive with
     */
    private int warmUp(int[] hashes, int count) {
        Object[][] arrays = new Object[count][];
        for (int i = 0; i < count; i++) {
            arrays[i] = table.slotsOf(hashes[i]);
        }
        int touched = 0;
        for (int i = 0; i < count; i++) {
            touched += arrays[i].length;
        }
        Object[] found = new Object[2 * count];
        for (int i = 0; i < count; i++) {
            SlotTable.firstTwoProbed(arrays[i], hashes[i], found, 2 * i);
        }
        for (int i = 0; i < count; i++) {
            Object first = found[2 * i];
            Object second = found[2 * i + 1];
            if (first != null) {
                touched += Slot.lastByte(first);
            }
            if (second != null) {
                touched += Slot.hash(second);
            }
        }
        return touched;
    }

    /** The live slot under {@code key}, marked as read, or null; a dead one found is removed. */
    private Object live(byte[] key) {
        return live(key, clock.millis());
    }

    private Object live(byte[] key, long now) {
        return live(new Key(key), now);
    }

    private Object live(Key key, long now) {
        Object slot = table.get(key);
        if (slot == null) {
            return null;
        }
        if (isDead(slot, now)) {
            removeDead(slot, now);
            return null;
        }
        Slot.reference(slot);
        return slot;
    }

    @Override
    public WriteResult write(
            WriteMode mode, byte[] key, byte[] value, int flags, long expiresAt, long expectedCas) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(value, "value");
        Key k = new Key(key);
        long now = clock.millis();
        Box<WriteResult> result = new Box<>();
        table.compute(k, old -> {
            Object live = liveOrReclaim(old, now, result);
            if (expectedCas != ANY_CAS) {
                if (live == null) {
                    result.value = WriteResult.NOT_FOUND;
                    return keep(old, null);
                }
                if (Slot.cas(live) != expectedCas) {
                    result.value = WriteResult.EXISTS;
                    return old;
                }
            }
            boolean conditionFails = switch (mode) {
                case SET -> false;
                case ADD -> live != null;
                case REPLACE, APPEND, PREPEND -> live == null;
            };
            if (conditionFails) {
                result.value = WriteResult.NOT_STORED;
                return keep(old, live);
            }
            Item item = switch (mode) {
                case SET, ADD, REPLACE -> new Item(value, flags, expiresAt, nextCas());
                case APPEND -> extended(live, Slot.value(live), value);
                case PREPEND -> extended(live, value, Slot.value(live));
            };
            result.value = new WriteResult.Stored(item.cas());
            return install(k, old, item, now, now, result);
        });
        boolean stored = result.value instanceof WriteResult.Stored;
        finish(k, result, stored, stored);
        return result.value;
    }

    @Override
    public DeleteResult delete(byte[] key, long expectedCas) {
        Key k = new Key(key);
        long now = clock.millis();
        Box<DeleteResult> result = new Box<>();
        result.value = DeleteResult.NOT_FOUND;
        table.compute(k, old -> {
            Object live = liveOrReclaim(old, now, result);
            if (live == null) {
                return keep(old, null);
            }
            if (expectedCas != ANY_CAS && Slot.cas(live) != expectedCas) {
                result.value = DeleteResult.EXISTS;
                return old;
            }
            result.value = DeleteResult.DELETED;
            return drop(k, old, result);
        });
        finish(k, result, false, false);
        return result.value;
    }

    @Override
    public CounterResult adjust(
            byte[] key, long delta, boolean decrement, CounterResult.Vivify vivify, long expectedCas) {
        Key k = new Key(key);
        long now = clock.millis();
        Box<CounterResult> result = new Box<>();
        table.compute(k, old -> {
            Object live = liveOrReclaim(old, now, result);
            if (live == null) {
                if (vivify == null) {
                    result.value = CounterResult.NOT_FOUND;
                    return keep(old, null);
                }
                Item created = new Item(counterText(vivify.initial()), 0, vivify.expiresAt(), nextCas());
                result.value = new CounterResult.Counted(vivify.initial(), created.cas());
                result.created = true;
                return install(k, old, created, now, now, result);
            }
            Item current = Slot.item(live);
            if (expectedCas != ANY_CAS && current.cas() != expectedCas) {
                result.value = CounterResult.EXISTS;
                return old;
            }
            if (!isCounter(current.value())) {
                result.value = CounterResult.NON_NUMERIC;
                return old;
            }
            long counter;
            try {
                counter = Long.parseUnsignedLong(new String(current.value(), StandardCharsets.US_ASCII));
            } catch (NumberFormatException tooLarge) {
                result.value = CounterResult.NON_NUMERIC;
                return old;
            }
            long next;
            if (!decrement) {
                next = counter + delta; // two's complement addition wraps at 2^64, as memcached's incr
            } else {
                next = Long.compareUnsigned(counter, delta) <= 0 ? 0L : counter - delta;
            }
            Item item = new Item(counterText(next), current.flags(), current.expiresAt(), nextCas());
            result.value = new CounterResult.Counted(next, item.cas());
            return install(k, old, item, now, now, result);
        });
        finish(k, result, result.value instanceof CounterResult.Counted, result.created);
        return result.value;
    }

    @Override
    public Lookup touch(byte[] key, long expiresAt) {
        Key k = new Key(key);
        long now = clock.millis();
        Box<Lookup> result = new Box<>();
        result.value = Lookup.MISS;
        table.compute(k, old -> {
            Object live = liveOrReclaim(old, now, result);
            if (live == null) {
                return keep(old, null);
            }
            // memcached keeps the token on touch: the value did not change. The write time is
            // kept too, so a pending flush still takes the item. The arrays are shared.
            Object touched = Slot.withExpiry(live, expiresAt);
            Item item = Slot.item(touched);
            result.value = new Lookup.Hit(item);
            return install(k, old, touched, item, now, result);
        });
        finish(k, result, false, false);
        return result.value;
    }

    @Override
    public void flushAll(long atMillis) {
        long now = clock.millis();
        long ticket;
        synchronized (flushLock) {
            FlushSchedule settled = flush.settledAt(now);
            FlushSchedule next = atMillis > now
                    ? new FlushSchedule(settled.writtenBefore(), atMillis, settled.casUpTo())
                    // A pending flush is replaced too. Every token handed out so far dies: a
                    // writer racing with the flush got its token before or after this read.
                    : new FlushSchedule(settled.writtenBefore(), 0L, Math.max(settled.casUpTo(), lastCas.get()));
            ticket = journal.flush(next);
            flush = next;
            if (atMillis <= now) {
                // The flushed items are dead already; free their memory now rather than at the
                // sweep. One by one rather than clear(), so that the byte count stays exact.
                removeDeadWithoutCounting(now);
            }
        }
        journal.commit(ticket);
    }

    @Override
    public void setMemoryLimit(long limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("memory limit must not be negative: " + limitBytes);
        }
        this.limitBytes = limitBytes;
        journal.commit(enforceLimit(null));
    }

    /** How the items lie in the hash table, for measurements (see {@link SlotTable#shape}). */
    SlotTable.Shape tableShape() {
        return table.shape();
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(
                table.size(),
                totalItems.sum(),
                bytes.get(),
                limitBytes,
                evictions.sum(),
                reclaimed.sum(),
                0);
    }

    /** Stops the background sweep. The items stay in memory until the store is unreachable. */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- for a durable engine

    /**
     * Puts {@code item} under {@code key} as a replayed log says, without journaling it; an
     * expired item stands for "the key holds nothing". Whether a flush took the item is decided
     * by the flush schedule in force once the replay is done, see {@link #removeDeadAfterReplay}.
     * Raises the token floor to the item's token. For a replay before the store is in use.
     *
     * @param key the key
     * @param item the item
     * @param writtenAt when the item's value was written
     */
    void restore(Key key, Item item, long writtenAt) {
        raiseCasFloor(item.cas());
        Object next = item.isExpiredAt(clock.millis())
                ? null
                : Slot.of(key, item.value(), item.flags(), item.expiresAt(), item.cas(), writtenAt);
        table.compute(key, old -> swap(old, next));
    }

    /**
     * Removes {@code key} as a replayed log says, without journaling it.
     *
     * @param key the key
     */
    void restoreRemoval(Key key) {
        table.compute(key, old -> swap(old, null));
    }

    /**
     * Puts a flush schedule in force as a replayed log says, without journaling it, and raises
     * the token floor to its mark.
     *
     * @param schedule the schedule
     */
    void restoreFlush(FlushSchedule schedule) {
        raiseCasFloor(schedule.casUpTo());
        synchronized (flushLock) {
            flush = schedule;
        }
    }

    /**
     * Removes every dead item, without counting it as reclaimed: the end of a replay.
     */
    void removeDeadAfterReplay() {
        removeDeadWithoutCounting(clock.millis());
    }

    /**
     * Hands every live item to {@code action}, one by one, while writers carry on: an item
     * changed meanwhile may be seen before or after its change.
     *
     * @param action receives the key and its slot
     */
    void forEachLive(BiConsumer<Key, Object> action) {
        long now = clock.millis();
        SlotTable.Cursor cursor = table.cursor();
        for (Object slot = cursor.next(); slot != null; slot = cursor.next()) {
            if (!isDead(slot, now)) {
                action.accept(Slot.key(slot), slot);
            }
        }
    }

    /** Returns the largest token handed out so far. */
    long lastCas() {
        return lastCas.get();
    }

    /** Returns the flush schedule in force. */
    FlushSchedule flushSchedule() {
        return flush;
    }

    /** Returns the bytes held, by this engine's accounting; cheaper than {@link #stats()}. */
    long bytesHeld() {
        return bytes.get();
    }

    /**
     * Runs one sweep: looks at up to {@link #SWEEP_BATCH} entries, from where the last sweep
     * stopped, and removes the dead ones. Starts the walk over at most once per call, so a small
     * table is looked at once, not many times.
     *
     * @return how many dead items it removed
     */
    int sweepOnce() {
        synchronized (sweepLock) {
            long now = clock.millis();
            int removed = 0;
            boolean restarted = false;
            for (int looked = 0; looked < SWEEP_BATCH; looked++) {
                Object slot = sweepHand == null ? null : sweepHand.next();
                if (slot == null) {
                    if (restarted) {
                        break;
                    }
                    sweepHand = table.cursor();
                    restarted = true;
                    slot = sweepHand.next();
                    if (slot == null) {
                        break;
                    }
                }
                if (isDead(slot, now) && removeDead(slot, now)) {
                    removed++;
                }
            }
            return removed;
        }
    }

    private void sweepInBackground() {
        try {
            int removed = sweepOnce();
            if (removed > 0) {
                LOG.log(System.Logger.Level.DEBUG, "sweep removed {0} dead items", removed);
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; log and keep sweeping.
            LOG.log(System.Logger.Level.ERROR, "background sweep failed", e);
        }
    }

    /**
     * Evicts until the byte count is within the limit, unless another thread is already at it.
     * Loops after unlocking because a writer that found the lock taken relies on the holder to
     * see the bytes it added, and those may have arrived just after the holder's last look.
     *
     * <p>The writer's own change is done by now, so a journal that cannot record an eviction
     * does not fail the writer: eviction stops, and the store stays over its limit until a
     * later write tries again.
     *
     * @return the journal ticket of the evictions, for the caller to commit
     */
    private long enforceLimit(Key justWritten) {
        Box<Void> evicted = new Box<>();
        while (limitBytes > 0 && bytes.get() > limitBytes) {
            if (!evictionLock.tryLock()) {
                break;
            }
            boolean withinLimit;
            try {
                withinLimit = evictWhileOverLimit(justWritten, evicted);
            } catch (StorageException e) {
                LOG.log(System.Logger.Level.WARNING,
                        "cannot record an eviction, so the store stays over its memory limit: {0}", e.getMessage());
                break;
            } finally {
                evictionLock.unlock();
            }
            if (!withinLimit) {
                break;
            }
        }
        return evicted.ticket;
    }

    /**
     * Moves the CLOCK hand until the byte count is within the limit or nothing is left to take
     * but the item just written. Two full turns without a removal mean every other slot has had
     * its second chance and was still not removable (rewritten under the hand, or none left), so
     * it gives up until the next write.
     *
     * @param evicted collects the journal ticket of the evictions
     * @return true when the byte count is within the limit
     */
    private boolean evictWhileOverLimit(Key justWritten, Box<Void> evicted) {
        long now = clock.millis();
        long idleSteps = 0;
        long giveUpAfter = 2L * table.size() + 2; // counting the table costs a read per stripe
        while (bytes.get() > limitBytes) {
            if (idleSteps > giveUpAfter) {
                giveUpAfter = 2L * table.size() + 2;
                if (idleSteps > giveUpAfter) {
                    return false;
                }
            }
            Object slot = evictionHand == null ? null : evictionHand.next();
            if (slot == null) {
                evictionHand = table.cursor();
                slot = evictionHand.next();
                if (slot == null) {
                    return bytes.get() <= limitBytes;
                }
            }
            idleSteps++;
            if (justWritten != null && Slot.hasKey(slot, justWritten.bytes(), justWritten.hash())) {
                continue;
            }
            if (isDead(slot, now)) {
                if (removeDead(slot, now)) {
                    idleSteps = 0;
                }
                continue;
            }
            if (Slot.clearReference(slot)) {
                continue;
            }
            if (evict(slot, evicted)) {
                evictions.increment();
                idleSteps = 0;
            }
        }
        return true;
    }

    /**
     * Removes {@code slot} if it is still the key's, journaled as a removal, so that a replay
     * of the journal does not bring an evicted item back.
     */
    private boolean evict(Object slot, Box<Void> evicted) {
        Box<Boolean> result = new Box<>();
        boolean removed = table.computeIfStill(slot, current -> drop(Slot.key(current), current, result));
        evicted.ticket = Math.max(evicted.ticket, result.ticket);
        return removed;
    }

    private boolean isDead(Object slot, long now) {
        return Slot.isExpiredAt(slot, now) || flush.flushes(Slot.writtenAt(slot), Slot.cas(slot), now);
    }

    /**
     * Returns {@code slot} if it is live; otherwise notes in {@code result} that an expired item
     * is reclaimed (a flushed item is not "reclaimed") and returns null. Called inside {@code
     * compute}, whose caller then removes or replaces the dead slot; the count changes only once
     * the compute has succeeded, see {@link #finish}.
     */
    private Object liveOrReclaim(Object slot, long now, Box<?> result) {
        if (slot == null || !isDead(slot, now)) {
            return slot;
        }
        result.reclaimedExpired = Slot.isExpiredAt(slot, now);
        return null;
    }

    /**
     * What every change does after its atomic section: counts an expired item it reclaimed,
     * counts a new item and evicts for it when it grew the store, then lets the journal make the
     * change durable, outside every lock.
     *
     * @param grew whether the change stored a value, which may push the store over its limit
     * @param created whether that value is a new item for {@link StoreStats#totalItems()}
     */
    private void finish(Key k, Box<?> result, boolean grew, boolean created) {
        if (result.reclaimedExpired) {
            reclaimed.increment();
        }
        long ticket = result.ticket;
        if (grew) {
            if (created) {
                totalItems.increment();
            }
            ticket = Math.max(ticket, enforceLimit(k));
        }
        journal.commit(ticket);
    }

    /** Removes every dead slot without counting it as reclaimed, for flushes. */
    private void removeDeadWithoutCounting(long now) {
        SlotTable.Cursor cursor = table.cursor();
        for (Object slot = cursor.next(); slot != null; slot = cursor.next()) {
            if (isDead(slot, now) && table.remove(slot)) {
                bytes.addAndGet(-sizeOf(slot));
            }
        }
    }

    /** Removes a slot known to be dead, if it is still the key's, and accounts for it. */
    private boolean removeDead(Object slot, long now) {
        if (!table.remove(slot)) {
            return false;
        }
        bytes.addAndGet(-sizeOf(slot));
        if (Slot.isExpiredAt(slot, now)) {
            reclaimed.increment();
        }
        return true;
    }

    /**
     * Makes {@code item} the key's new state: journals it, then accounts for it. An item that is
     * born expired is stored as nothing, so the key reads as missing; it is journaled all the
     * same, since its token was handed out. Called inside {@code compute}.
     *
     * @param writtenAt when the item's value was written
     * @param result where the journal ticket goes
     * @return the slot for the compute function to return
     */
    private Object install(Key key, Object old, Item item, long writtenAt, long now, Box<?> result) {
        Object next = Slot.of(key, item.value(), item.flags(), item.expiresAt(), item.cas(), writtenAt);
        return install(key, old, next, item, now, result);
    }

    /** As above, for a slot made already; {@code item} is the item it holds, for the journal. */
    private Object install(Key key, Object old, Object next, Item item, long now, Box<?> result) {
        result.ticket = journal.put(key, item, Slot.writtenAt(next));
        return swap(old, Slot.isExpiredAt(next, now) ? null : next);
    }

    /**
     * Removes the live item {@code old}: journals the removal, then accounts for it. Called
     * inside {@code compute}.
     *
     * @return null, for the compute function to return
     */
    private Object drop(Key key, Object old, Box<?> result) {
        result.ticket = journal.remove(key);
        return swap(old, null);
    }

    /**
     * Leaves the key as it is, or removes a dead slot that {@link #liveOrReclaim} replaced by
     * null: nothing a journal needs to hear of, since the slot is just as dead after a replay.
     *
     * @param live {@code old}, or null when {@code old} is dead or absent
     * @return {@code live}, for the compute function to return
     */
    private Object keep(Object old, Object live) {
        return swap(old, live);
    }

    /**
     * Accounts for replacing {@code old} with {@code next} under one key; either may be null.
     * Called inside {@code compute}, after any journal call, so that a journal that throws
     * leaves the count alone, and the count changes with the table, once per mutation.
     *
     * @return {@code next}, for the compute function to return
     */
    private Object swap(Object old, Object next) {
        long delta = (next == null ? 0 : sizeOf(next)) - (old == null ? 0 : sizeOf(old));
        if (delta != 0) {
            bytes.addAndGet(delta);
        }
        return next;
    }

    private long nextCas() {
        return lastCas.incrementAndGet();
    }

    private Item extended(Object current, byte[] front, byte[] back) {
        byte[] joined = new byte[front.length + back.length];
        System.arraycopy(front, 0, joined, 0, front.length);
        System.arraycopy(back, 0, joined, front.length, back.length);
        return new Item(joined, Slot.flags(current), Slot.expiresAt(current), nextCas());
    }

    /** The bytes an item counts for, see {@link #ITEM_OVERHEAD_BYTES}. */
    private static long sizeOf(Object slot) {
        long size = ITEM_OVERHEAD_BYTES + Slot.keyLength(slot) + Slot.valueLength(slot);
        return Slot.isDetached(slot) ? size + DETACHED_OVERHEAD_BYTES : size;
    }

    private static byte[] counterText(long value) {
        return Long.toUnsignedString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** Digits only, 1 to 20 of them; {@code parseUnsignedLong} alone would allow a '+'. */
    private static boolean isCounter(byte[] value) {
        if (value.length == 0 || value.length > MAX_COUNTER_DIGITS) {
            return false;
        }
        for (byte b : value) {
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return true;
    }

    /** Carries a result out of a {@code compute} function. */
    private static final class Box<T> {
        T value;
        /** Whether the operation created an item where there was none (a vivified counter). */
        boolean created;
        /** Whether the operation removed an expired item, to count once the compute succeeded. */
        boolean reclaimedExpired;
        /** The journal ticket of the change, for {@link Journal#commit}. */
        long ticket = Journal.NOTHING;
    }
}
