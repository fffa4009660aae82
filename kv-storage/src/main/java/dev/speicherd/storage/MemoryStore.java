package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.CounterResult;
import dev.speicherd.api.DeleteResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.StorageException;
import dev.speicherd.api.Store;
import dev.speicherd.api.StoreStats;
import dev.speicherd.api.WriteMode;
import dev.speicherd.api.WriteResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The in-memory engine: every item in one {@link ConcurrentHashMap}, nothing on disk.
 *
 * <p><b>Concurrency.</b> Reads are plain map lookups and never block. Every mutation of one key
 * runs inside {@code ConcurrentHashMap.compute}, which makes it atomic for that key without a
 * store-wide lock; writers to different keys only meet where the map's bins do. Compare-and-swap
 * tokens come from one {@link AtomicLong}, so every mutation gets a larger token than any before.
 *
 * <p><b>Expiry and flush.</b> A dead item (expired, or invalidated by {@link #flushAll}) is never
 * returned and counts as missing. It is removed when an operation meets it, and a background
 * sweep, once every {@link #SWEEP_INTERVAL}, looks at up to {@link #SWEEP_BATCH} entries, going on
 * where the previous sweep stopped, and removes the dead ones. Expired items removed either way
 * count as {@link StoreStats#reclaimed()}. A delayed flush is a time stamp, not a timer: from that
 * time on, items written before it read as dead.
 *
 * <p><b>Memory limit.</b> The engine counts {@link #ITEM_OVERHEAD_BYTES} plus the key and value
 * lengths for every item. When a mutation pushes the count over the limit, the writer evicts
 * other items with the CLOCK policy, an approximation of least-recently-used: a hand walks the
 * map; an item read (or written) since the hand last passed gets a second chance, any other is
 * evicted. The item just written is never its own writer's victim; an item larger than the whole
 * limit is still stored, at the cost of everything else. Only one thread moves the hand at a
 * time, but no writer waits for it: if the hand is busy, its holder evicts for everyone.
 *
 * <p><b>Journal.</b> A durable engine builds this store with a {@link Journal} and hears of
 * every change from inside its atomic section, evictions included, so that its log holds the
 * keys' changes in the order memory saw them. A journal that throws aborts the change: the map,
 * the byte count and the counters stay as they were. The store on its own journals nothing.
 *
 * <p>Thread-safe, as {@link Store} requires. The store owns the arrays passed to it and hands
 * out its own without copying.
 */
public final class MemoryStore implements Store {

    /** Bytes counted per item beyond its key and value, for the map entry, item and slot. */
    public static final long ITEM_OVERHEAD_BYTES = 64;
    /** How often the background sweep runs. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
    /** The most entries one background sweep looks at, so a sweep of a huge map stays short. */
    static final int SWEEP_BATCH = 10_000;
    /** The most decimal digits a counter may have: 2^64 - 1 has 20. */
    private static final int MAX_COUNTER_DIGITS = 20;

    private static final System.Logger LOG = System.getLogger(MemoryStore.class.getName());

    private final Clock clock;
    private final Journal journal;
    private volatile long limitBytes;
    private final ConcurrentHashMap<Key, Slot> map = new ConcurrentHashMap<>();
    private final AtomicLong lastCas = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final LongAdder totalItems = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder reclaimed = new LongAdder();
    private volatile FlushSchedule flush = FlushSchedule.NONE;
    private final Object flushLock = new Object();

    /** Guards {@link #evictionHand}; writers only ever try it, never wait for it. */
    private final ReentrantLock evictionLock = new ReentrantLock();
    private Iterator<Map.Entry<Key, Slot>> evictionHand;

    /** Guards {@link #sweepHand}, between the sweeper thread and tests that sweep by hand. */
    private final Object sweepLock = new Object();
    private Iterator<Map.Entry<Key, Slot>> sweepHand;
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
        Key k = new Key(key);
        Slot slot = map.get(k);
        if (slot == null) {
            return Lookup.MISS;
        }
        long now = clock.millis();
        if (isDead(slot, now)) {
            removeDead(k, slot, now);
            return Lookup.MISS;
        }
        slot.reference();
        return new Lookup.Hit(slot.item());
    }

    @Override
    public WriteResult write(
            WriteMode mode, byte[] key, byte[] value, int flags, long expiresAt, long expectedCas) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(value, "value");
        Key k = new Key(key);
        long now = clock.millis();
        Box<WriteResult> result = new Box<>();
        map.compute(k, (unused, old) -> {
            Slot live = liveOrReclaim(old, now, result);
            if (expectedCas != ANY_CAS) {
                if (live == null) {
                    result.value = WriteResult.NOT_FOUND;
                    return keep(k, old, null);
                }
                if (live.cas() != expectedCas) {
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
                return keep(k, old, live);
            }
            Item item = switch (mode) {
                case SET, ADD, REPLACE -> new Item(value, flags, expiresAt, nextCas());
                case APPEND -> extended(live.item(), live.item().value(), value);
                case PREPEND -> extended(live.item(), value, live.item().value());
            };
            result.value = new WriteResult.Stored(item.cas());
            return install(k, old, item, now, now, result);
        });
        countReclaimed(result);
        long ticket = result.ticket;
        if (result.value instanceof WriteResult.Stored) {
            totalItems.increment();
            ticket = Math.max(ticket, enforceLimit(k));
        }
        journal.commit(ticket);
        return result.value;
    }

    @Override
    public DeleteResult delete(byte[] key, long expectedCas) {
        Key k = new Key(key);
        long now = clock.millis();
        Box<DeleteResult> result = new Box<>();
        result.value = DeleteResult.NOT_FOUND;
        map.computeIfPresent(k, (unused, old) -> {
            Slot live = liveOrReclaim(old, now, result);
            if (live == null) {
                return keep(k, old, null);
            }
            if (expectedCas != ANY_CAS && live.cas() != expectedCas) {
                result.value = DeleteResult.EXISTS;
                return old;
            }
            result.value = DeleteResult.DELETED;
            return drop(k, old, result);
        });
        countReclaimed(result);
        journal.commit(result.ticket);
        return result.value;
    }

    @Override
    public CounterResult adjust(byte[] key, long delta, boolean decrement, CounterResult.Vivify vivify) {
        Key k = new Key(key);
        long now = clock.millis();
        Box<CounterResult> result = new Box<>();
        map.compute(k, (unused, old) -> {
            Slot live = liveOrReclaim(old, now, result);
            if (live == null) {
                if (vivify == null) {
                    result.value = CounterResult.NOT_FOUND;
                    return keep(k, old, null);
                }
                Item created = new Item(counterText(vivify.initial()), 0, vivify.expiresAt(), nextCas());
                result.value = new CounterResult.Counted(vivify.initial(), created.cas());
                result.created = true;
                return install(k, old, created, now, now, result);
            }
            Item current = live.item();
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
        countReclaimed(result);
        long ticket = result.ticket;
        if (result.value instanceof CounterResult.Counted) {
            if (result.created) {
                totalItems.increment();
            }
            ticket = Math.max(ticket, enforceLimit(k));
        }
        journal.commit(ticket);
        return result.value;
    }

    @Override
    public Lookup touch(byte[] key, long expiresAt) {
        Key k = new Key(key);
        long now = clock.millis();
        Box<Lookup> result = new Box<>();
        result.value = Lookup.MISS;
        map.computeIfPresent(k, (unused, old) -> {
            Slot live = liveOrReclaim(old, now, result);
            if (live == null) {
                return keep(k, old, null);
            }
            Item current = live.item();
            // memcached keeps the token on touch: the value did not change. The write time is
            // kept too, so a pending flush still takes the item.
            Item touched = new Item(current.value(), current.flags(), expiresAt, current.cas());
            result.value = new Lookup.Hit(touched);
            return install(k, old, touched, live.writtenAt(), now, result);
        });
        countReclaimed(result);
        journal.commit(result.ticket);
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

    @Override
    public StoreStats stats() {
        return new StoreStats(
                map.mappingCount(),
                totalItems.sum(),
                bytes.get(),
                limitBytes,
                evictions.sum(),
                reclaimed.sum());
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
        Slot next = item.isExpiredAt(clock.millis()) ? null : new Slot(item, writtenAt);
        Slot old = next == null ? map.remove(key) : map.put(key, next);
        swap(key, old, next);
    }

    /**
     * Removes {@code key} as a replayed log says, without journaling it.
     *
     * @param key the key
     */
    void restoreRemoval(Key key) {
        swap(key, map.remove(key), null);
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
    void forEachLive(BiConsumer<Key, Slot> action) {
        long now = clock.millis();
        map.forEach((key, slot) -> {
            if (!isDead(slot, now)) {
                action.accept(key, slot);
            }
        });
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
     * map is looked at once, not many times.
     *
     * @return how many dead items it removed
     */
    int sweepOnce() {
        synchronized (sweepLock) {
            long now = clock.millis();
            int removed = 0;
            boolean restarted = false;
            for (int looked = 0; looked < SWEEP_BATCH; looked++) {
                if (sweepHand == null || !sweepHand.hasNext()) {
                    if (restarted) {
                        break;
                    }
                    sweepHand = map.entrySet().iterator();
                    restarted = true;
                    if (!sweepHand.hasNext()) {
                        break;
                    }
                }
                Map.Entry<Key, Slot> entry = sweepHand.next();
                Slot slot = entry.getValue();
                if (isDead(slot, now) && removeDead(entry.getKey(), slot, now)) {
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
        while (bytes.get() > limitBytes) {
            if (idleSteps > 2L * map.size() + 2) {
                return false;
            }
            if (evictionHand == null || !evictionHand.hasNext()) {
                evictionHand = map.entrySet().iterator();
                if (!evictionHand.hasNext()) {
                    return bytes.get() <= limitBytes;
                }
            }
            Map.Entry<Key, Slot> entry = evictionHand.next();
            Key key = entry.getKey();
            Slot slot = entry.getValue();
            idleSteps++;
            if (key.equals(justWritten)) {
                continue;
            }
            if (isDead(slot, now)) {
                if (removeDead(key, slot, now)) {
                    idleSteps = 0;
                }
                continue;
            }
            if (slot.clearReference()) {
                continue;
            }
            if (evict(key, slot, evicted)) {
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
    private boolean evict(Key key, Slot slot, Box<Void> evicted) {
        Box<Boolean> result = new Box<>();
        map.computeIfPresent(key, (unused, current) -> {
            if (current != slot) {
                return current;
            }
            result.value = Boolean.TRUE;
            return drop(key, current, result);
        });
        evicted.ticket = Math.max(evicted.ticket, result.ticket);
        return result.value != null;
    }

    private boolean isDead(Slot slot, long now) {
        return slot.isExpiredAt(now) || flush.flushes(slot.writtenAt(), slot.cas(), now);
    }

    /**
     * Returns {@code slot} if it is live; otherwise notes in {@code result} that an expired item
     * is reclaimed (a flushed item is not "reclaimed") and returns null. Called inside {@code
     * compute}, whose caller then removes or replaces the dead slot; the count changes only once
     * the compute has succeeded, see {@link #countReclaimed}.
     */
    private Slot liveOrReclaim(Slot slot, long now, Box<?> result) {
        if (slot == null || !isDead(slot, now)) {
            return slot;
        }
        result.reclaimedExpired = slot.isExpiredAt(now);
        return null;
    }

    private void countReclaimed(Box<?> result) {
        if (result.reclaimedExpired) {
            reclaimed.increment();
        }
    }

    /** Removes every dead slot without counting it as reclaimed, for flushes. */
    private void removeDeadWithoutCounting(long now) {
        for (Map.Entry<Key, Slot> entry : map.entrySet()) {
            Slot slot = entry.getValue();
            if (isDead(slot, now) && map.remove(entry.getKey(), slot)) {
                bytes.addAndGet(-sizeOf(entry.getKey(), slot));
            }
        }
    }

    /** Removes a slot known to be dead, if it is still the key's, and accounts for it. */
    private boolean removeDead(Key key, Slot slot, long now) {
        if (!map.remove(key, slot)) {
            return false;
        }
        bytes.addAndGet(-sizeOf(key, slot));
        if (slot.isExpiredAt(now)) {
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
    private Slot install(Key key, Slot old, Item item, long writtenAt, long now, Box<?> result) {
        result.ticket = journal.put(key, item, writtenAt);
        return swap(key, old, item.isExpiredAt(now) ? null : new Slot(item, writtenAt));
    }

    /**
     * Removes the live item {@code old}: journals the removal, then accounts for it. Called
     * inside {@code compute}.
     *
     * @return null, for the compute function to return
     */
    private Slot drop(Key key, Slot old, Box<?> result) {
        result.ticket = journal.remove(key);
        return swap(key, old, null);
    }

    /**
     * Leaves the key as it is, or removes a dead slot that {@link #liveOrReclaim} replaced by
     * null: nothing a journal needs to hear of, since the slot is just as dead after a replay.
     *
     * @param live {@code old}, or null when {@code old} is dead or absent
     * @return {@code live}, for the compute function to return
     */
    private Slot keep(Key key, Slot old, Slot live) {
        return swap(key, old, live);
    }

    /**
     * Accounts for replacing {@code old} with {@code next} under {@code key}; either may be null.
     * Called inside {@code compute}, after any journal call, so that a journal that throws
     * leaves the count alone, and the count changes with the map, once per mutation.
     *
     * @return {@code next}, for the compute function to return
     */
    private Slot swap(Key key, Slot old, Slot next) {
        long delta = (next == null ? 0 : sizeOf(key, next)) - (old == null ? 0 : sizeOf(key, old));
        if (delta != 0) {
            bytes.addAndGet(delta);
        }
        return next;
    }

    private long nextCas() {
        return lastCas.incrementAndGet();
    }

    private Item extended(Item current, byte[] front, byte[] back) {
        byte[] joined = new byte[front.length + back.length];
        System.arraycopy(front, 0, joined, 0, front.length);
        System.arraycopy(back, 0, joined, front.length, back.length);
        return new Item(joined, current.flags(), current.expiresAt(), nextCas());
    }

    private static long sizeOf(Key key, Slot slot) {
        return ITEM_OVERHEAD_BYTES + key.length() + slot.value().length;
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
