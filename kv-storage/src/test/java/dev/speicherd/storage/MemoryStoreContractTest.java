package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Store;

/** The store contract, run against {@link MemoryStore} without a memory limit. */
final class MemoryStoreContractTest extends StoreContractTest {

    @Override
    protected Store newStore(Clock clock) {
        return new MemoryStore(clock, 0);
    }
}
