package dev.speicherd.server.speicher;

import dev.speicherd.api.CounterResult;
import dev.speicherd.api.DeleteResult;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.StorageException;
import dev.speicherd.api.Store;
import dev.speicherd.api.StoreStats;
import dev.speicherd.api.WriteMode;
import dev.speicherd.api.WriteResult;

/**
 * The real in-memory engine, with a switch that makes every mutation fail as a broken disk makes
 * the log engine's fail: the one thing a test cannot get from a real engine on demand.
 */
final class FailableStore implements Store {

    private final Store engine;
    volatile String failure;

    FailableStore(Store engine) {
        this.engine = engine;
    }

    private void check() {
        if (failure != null) {
            throw new StorageException(failure, null);
        }
    }

    @Override
    public Lookup get(byte[] key) {
        return engine.get(key);
    }

    @Override
    public WriteResult write(WriteMode mode, byte[] key, byte[] value, int flags, long expiresAt, long expectedCas) {
        check();
        return engine.write(mode, key, value, flags, expiresAt, expectedCas);
    }

    @Override
    public DeleteResult delete(byte[] key, long expectedCas) {
        check();
        return engine.delete(key, expectedCas);
    }

    @Override
    public CounterResult adjust(
            byte[] key, long delta, boolean decrement, CounterResult.Vivify vivify, long expectedCas) {
        check();
        return engine.adjust(key, delta, decrement, vivify, expectedCas);
    }

    @Override
    public Lookup touch(byte[] key, long expiresAt) {
        check();
        return engine.touch(key, expiresAt);
    }

    @Override
    public void flushAll(long atMillis) {
        check();
        engine.flushAll(atMillis);
    }

    @Override
    public void setMemoryLimit(long limitBytes) {
        engine.setMemoryLimit(limitBytes);
    }

    @Override
    public StoreStats stats() {
        return engine.stats();
    }

    @Override
    public void close() {
        engine.close();
    }
}
