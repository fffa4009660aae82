package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract, run against a {@link LogStore} that syncs before every acknowledgement,
 * so that the concurrent tests also drive the group commit.
 */
final class AlwaysSyncedLogStoreContractTest extends StoreContractTest {

    @TempDir
    Path dir;

    @Override
    protected Store newStore(Clock clock) {
        try {
            return LogStore.open(dir, clock, LogStore.Options.defaults().withFsync(LogStore.Fsync.ALWAYS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
