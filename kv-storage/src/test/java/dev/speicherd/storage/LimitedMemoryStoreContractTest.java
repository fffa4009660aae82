package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Store;

/**
 * The store contract, run against {@link MemoryStore} with a memory limit the suite never
 * reaches, so that every write also passes through the limit check.
 */
final class LimitedMemoryStoreContractTest extends StoreContractTest {

    private static final long LIMIT_BYTES = 64L << 20;

    @Override
    protected Store newStore(Clock clock) {
        return new MemoryStore(clock, LIMIT_BYTES);
    }
}
