package dev.speicherd.server;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Store;
import dev.speicherd.storage.MemoryStore;
import java.io.IOException;

/** Opens the storage engine the configuration names. */
final class Engines {

    /**
     * An opened store and a few words for the start line about what opening it did.
     *
     * @param store the store
     * @param description e.g. {@code ", data dir ./data, replayed 10 items in 3 ms"}; may be empty
     */
    record Opened(Store store, String description) {}

    private Engines() {}

    static Opened open(ServerConfig config, Clock clock, boolean logRepair) throws IOException {
        return switch (config.engine()) {
            case MEMORY -> new Opened(new MemoryStore(clock, config.memoryLimitBytes()), "");
            case LOG -> throw new IOException("the log engine is not available in this build yet");
        };
    }
}
