package dev.speicherd.api;

import java.util.List;

/**
 * A key-value store with memcached semantics: the contract every engine implements and every
 * protocol speaks to.
 *
 * <p><b>Keys and values.</b> Keys are byte arrays compared by content. The store takes ownership
 * of every array passed in: callers must not modify a key or value after passing it. Arrays the
 * store hands out (in {@link Item}) must not be modified either.
 *
 * <p><b>Expiry.</b> Expiry times are absolute epoch milliseconds from the store's {@link Clock};
 * {@link Item#NEVER} means none. An item whose expiry is at or before the clock's current time is
 * never returned and counts as missing for every operation. Writing with an expiry in the past
 * stores nothing visible: the key reads as missing afterwards.
 *
 * <p><b>Compare-and-swap.</b> Every mutation gives the resulting item a new token, larger than
 * any the store handed out before (also across restarts of a durable engine). A token of {@code
 * 0} passed as {@code expectedCas} means "no check".
 *
 * <p><b>Thread-safety.</b> Every method is safe to call from any number of threads at once.
 * Operations on one key are linearizable: each appears to take effect atomically at one point
 * between its call and return. Reads never block on other reads; writes to different keys do not
 * wait for each other on a store-wide lock.
 *
 * <p><b>Failure.</b> A mutation that the engine cannot carry out for a reason of its own throws
 * {@link StorageException}, and then it was not applied.
 */
public interface Store extends AutoCloseable {

    /** The {@code expectedCas} that skips the compare-and-swap check. */
    long ANY_CAS = 0L;

    /**
     * Reads the live item under {@code key}.
     *
     * @param key the key
     * @return {@link Lookup.Hit} with the item, or {@link Lookup#MISS}
     */
    Lookup get(byte[] key);

    /**
     * Reads the live items under {@code keys} in place (a get of one key or many): calls {@code
     * reader} once per key found, in the order of {@code keys}, during this call, with the value
     * where the store holds it, so that nothing is copied or allocated for it. What counts as live
     * is what {@link #get} says. An engine may look every key up before it calls the reader, so
     * that their waits on memory overlap; each item is then as it was when its key was looked up.
     * This default reads through {@link #get}, one key after the other.
     *
     * @param keys the keys; one given twice is read twice
     * @param reader receives each item found, with its key's position in {@code keys}; not called
     *     for a miss
     * @param <X> what {@code reader} may throw
     * @return how many of the keys were found
     * @throws X what {@code reader} threw; the keys after it are not read
     */
    default <X extends Exception> int read(List<byte[]> keys, ItemReader<X> reader) throws X {
        int hits = 0;
        for (int i = 0; i < keys.size(); i++) {
            if (get(keys.get(i)) instanceof Lookup.Hit(Item item)) {
                reader.read(i, item.value(), 0, item.value().length, item.flags(), item.cas());
                hits++;
            }
        }
        return hits;
    }

    /**
     * A hint from a server about to look up several keys, each for a different request: loads
     * into the processor's caches what those lookups will touch, so that their waits on memory
     * overlap here instead of following one another. Reads nothing for the caller and changes
     * nothing: an item is not marked as read, an expired one is not removed. A key that is not
     * there, or is not a valid key, is passed over. This default does nothing.
     *
     * @param buffers the arrays holding the keys: key {@code i} is {@code lengths[i]} bytes of
     *     {@code buffers[i]} from {@code offsets[i]}, for {@code i} below {@code count}
     * @param count how many keys there are
     */
    default void prefetch(byte[][] buffers, int[] offsets, int[] lengths, int count) {}

    /**
     * Stores a value according to {@code mode}, optionally only if the live item's token is
     * {@code expectedCas}.
     *
     * <p>For {@link WriteMode#APPEND} and {@link WriteMode#PREPEND} the existing item's flags and
     * expiry are kept and {@code flags} and {@code expiresAt} are ignored, as memcached does.
     *
     * @param mode the storage condition
     * @param key the key
     * @param value the value (or the bytes to add, for append and prepend)
     * @param flags the client flags
     * @param expiresAt the absolute expiry, or {@link Item#NEVER}
     * @param expectedCas the token the live item must have, or {@link #ANY_CAS}
     * @return {@link WriteResult.Stored} with the new token; {@link WriteResult#NOT_STORED} when
     *     the mode's condition fails; {@link WriteResult#EXISTS} or {@link WriteResult#NOT_FOUND}
     *     when a compare-and-swap fails
     * @throws StorageException if the engine cannot carry out the write
     */
    WriteResult write(
            WriteMode mode, byte[] key, byte[] value, int flags, long expiresAt, long expectedCas);

    /**
     * Stores {@code value} unconditionally.
     *
     * @param key the key
     * @param value the value
     * @param flags the client flags
     * @param expiresAt the absolute expiry, or {@link Item#NEVER}
     * @return {@link WriteResult.Stored} with the new token
     * @throws StorageException if the engine cannot carry out the write
     */
    default WriteResult set(byte[] key, byte[] value, int flags, long expiresAt) {
        return write(WriteMode.SET, key, value, flags, expiresAt, ANY_CAS);
    }

    /**
     * Removes the live item under {@code key}, optionally only if its token is {@code
     * expectedCas}.
     *
     * @param key the key
     * @param expectedCas the token the live item must have, or {@link #ANY_CAS}
     * @return what happened
     * @throws StorageException if the engine cannot carry out the removal
     */
    DeleteResult delete(byte[] key, long expectedCas);

    /**
     * Adds {@code delta} to, or subtracts it from, a counter: an item whose value is the decimal
     * text of a 64-bit unsigned number. Increments wrap around at 2^64; decrements stop at 0.
     * The result is stored as decimal text; flags and expiry are kept.
     *
     * @param key the key
     * @param delta the 64-bit unsigned amount
     * @param decrement true to subtract, false to add
     * @param vivify what to create when the key is missing, or null to answer {@link
     *     CounterResult#NOT_FOUND}
     * @return the new value, or why there is none
     * @throws StorageException if the engine cannot carry out the change
     */
    default CounterResult adjust(byte[] key, long delta, boolean decrement, CounterResult.Vivify vivify) {
        return adjust(key, delta, decrement, vivify, ANY_CAS);
    }

    /**
     * Adjusts a counter as {@link #adjust(byte[], long, boolean, CounterResult.Vivify)} does, only
     * if the live item's token is {@code expectedCas} (the binary protocol's and meta {@code ma}'s
     * compare-and-swap). A missing counter is created by {@code vivify} whatever the token.
     *
     * @param key the key
     * @param delta the 64-bit unsigned amount
     * @param decrement true to subtract, false to add
     * @param vivify what to create when the key is missing, or null
     * @param expectedCas the token the live item must have, or {@link #ANY_CAS}
     * @return the new value; {@link CounterResult#EXISTS} when the token differs; or why else
     *     there is none
     * @throws StorageException if the engine cannot carry out the change
     */
    CounterResult adjust(
            byte[] key, long delta, boolean decrement, CounterResult.Vivify vivify, long expectedCas);

    /**
     * Changes the expiry of the live item under {@code key}.
     *
     * @param key the key
     * @param expiresAt the new absolute expiry, or {@link Item#NEVER}
     * @return {@link Lookup.Hit} with the touched item, or {@link Lookup#MISS}
     * @throws StorageException if the engine cannot carry out the change
     */
    Lookup touch(byte[] key, long expiresAt);

    /**
     * Invalidates every item at time {@code atMillis}: at once when it is not in the future,
     * otherwise from then on (memcached's {@code flush_all} with a delay). A later call replaces
     * a pending delayed flush.
     *
     * @param atMillis when to flush, in epoch milliseconds
     * @throws StorageException if the engine cannot carry out the flush
     */
    void flushAll(long atMillis);

    /**
     * Changes the memory limit at run time (memcached's {@code cache_memlimit}). A store holding
     * more than the new limit evicts down to it before returning.
     *
     * @param limitBytes the new limit in bytes, by the engine's accounting; 0 for none
     * @throws IllegalArgumentException if {@code limitBytes} is negative
     */
    void setMemoryLimit(long limitBytes);

    /**
     * Returns once the changes the calling thread has made are as durable as the engine promises
     * an acknowledged change. A caller that answers many requests at a time (a server's event
     * loop, once a turn) makes their changes, calls this, and only then answers any of them; an
     * engine may then make them durable together: the log engine's {@code BATCH} policy syncs
     * them with one fsync. This default does nothing: the changes of an engine that keeps
     * nothing, or that makes each durable before the call that made it returns, are as durable as
     * they get already.
     *
     * @throws StorageException if they cannot be made durable; they are visible already, but may
     *     be lost on a crash
     */
    default void sync() {}

    /**
     * Reports the store's occupancy.
     *
     * @return a snapshot; its fields are read one by one, not atomically together
     */
    StoreStats stats();

    /**
     * Releases the store's resources, flushing whatever a durable engine still holds. Further
     * calls to other methods have undefined results.
     *
     * @throws StorageException if a durable engine cannot flush
     */
    @Override
    void close();
}
