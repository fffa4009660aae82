package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract, run against a fresh {@link LogStore} that syncs only at close. */
final class LogStoreContractTest extends StoreContractTest {

    @TempDir
    Path dir;

    @Override
    protected Store newStore(Clock clock) {
        try {
            return LogStore.open(dir, clock, LogStore.Options.defaults().withFsync(LogStore.Fsync.NO));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
