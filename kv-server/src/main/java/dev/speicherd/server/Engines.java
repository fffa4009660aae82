package dev.speicherd.server;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Store;
import dev.speicherd.storage.LogStore;
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
            case LOG -> openLog(config, clock, logRepair);
        };
    }

    /**
     * Opens the log engine in the data directory, creating it when missing. The log's record
     * limit stays its own generous default rather than following the item limit, so that
     * lowering the item limit never makes an existing log unreadable.
     */
    private static Opened openLog(ServerConfig config, Clock clock, boolean logRepair) throws IOException {
        LogStore store = LogStore.open(config.dataDir(), clock, LogStore.Options.defaults()
                .withFsync(fsync(config.fsync()))
                .withMemoryLimit(config.memoryLimitBytes())
                .withRepair(logRepair)
                .withCompaction(config.compactMinBytes(), config.compactMultiple()));
        LogStore.Replay replay = store.replay();
        String dropped = replay.truncatedBytes() == 0 ? "" : ", dropped " + replay.truncatedBytes() + " damaged bytes";
        return new Opened(store, ", data dir %s, replayed %d items (%d bytes) in %d ms%s".formatted(
                config.dataDir(), replay.items(), replay.bytes(), replay.millis(), dropped));
    }

    /**
     * The store's policy for the server's: {@code always} is {@link LogStore.Fsync#BATCH}, since
     * the event loops sync once a turn, before any of its answers leave (see {@link EventLoop}).
     */
    private static LogStore.Fsync fsync(ServerConfig.Fsync fsync) {
        return switch (fsync) {
            case ALWAYS -> LogStore.Fsync.BATCH;
            case EVERYSEC -> LogStore.Fsync.EVERYSEC;
            case NO -> LogStore.Fsync.NO;
        };
    }
}
