package dev.speicherd.storage;

import static dev.speicherd.storage.StoreContractTest.b;

import dev.speicherd.api.Clock;
import dev.speicherd.api.CounterResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.Store;
import dev.speicherd.api.WriteMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract, run against a {@link LogStore} that was reopened from a log with history
 * in it: every kind of change to keys the suite uses, all undone again, a flush, then close and
 * reopen. The suite then sees an empty store whose tokens and flush mark come from a replay.
 */
final class ReopenedLogStoreContractTest extends StoreContractTest {

    @TempDir
    Path dir;

    @Override
    protected Store newStore(Clock clock) {
        LogStore.Options options = LogStore.Options.defaults();
        try {
            try (LogStore first = LogStore.open(dir, clock, options)) {
                first.set(b("k"), b("old"), 1, Item.NEVER);
                first.write(WriteMode.APPEND, b("k"), b("er"), 0, Item.NEVER, Store.ANY_CAS);
                first.touch(b("k"), clock.millis() + 60_000);
                first.adjust(b("n"), 5, false, new CounterResult.Vivify(10, Item.NEVER));
                first.set(b("a"), b("1"), 0, Item.NEVER);
                first.delete(b("k"), Store.ANY_CAS);
                first.delete(b("n"), Store.ANY_CAS);
                first.flushAll(clock.millis());
            }
            return LogStore.open(dir, clock, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
