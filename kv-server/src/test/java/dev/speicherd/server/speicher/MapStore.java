package dev.speicherd.server.speicher;

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The part of a store the speicher protocol uses, over a map, with a switch that makes every
 * mutation fail as a full disk would.
 */
final class MapStore implements Store {

    private final Map<String, Item> items = new ConcurrentHashMap<>();
    private final AtomicLong cas = new AtomicLong();
    volatile String failure;

    private static String k(byte[] key) {
        return new String(key, StandardCharsets.ISO_8859_1);
    }

    private void check() {
        if (failure != null) {
            throw new StorageException(failure, null);
        }
    }

    @Override
    public Lookup get(byte[] key) {
        Item item = items.get(k(key));
        return item == null ? Lookup.MISS : new Lookup.Hit(item);
    }

    @Override
    public WriteResult write(WriteMode mode, byte[] key, byte[] value, int flags, long expiresAt, long expectedCas) {
        if (mode != WriteMode.SET || expectedCas != ANY_CAS) {
            throw new UnsupportedOperationException(mode + " with cas " + expectedCas);
        }
        check();
        long token = cas.incrementAndGet();
        items.put(k(key), new Item(value, flags, expiresAt, token));
        return new WriteResult.Stored(token);
    }

    @Override
    public DeleteResult delete(byte[] key, long expectedCas) {
        check();
        return items.remove(k(key)) == null ? DeleteResult.NOT_FOUND : DeleteResult.DELETED;
    }

    @Override
    public CounterResult adjust(byte[] key, long delta, boolean decrement, CounterResult.Vivify vivify) {
        throw new UnsupportedOperationException("adjust");
    }

    @Override
    public Lookup touch(byte[] key, long expiresAt) {
        throw new UnsupportedOperationException("touch");
    }

    @Override
    public void flushAll(long atMillis) {
        check();
        items.clear();
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(items.size(), cas.get(), 0, 0, 0, 0);
    }

    @Override
    public void close() {}
}
