package dev.speicherd.it;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PartialRequestsIT} under the log engine's {@code fsync always}, where an event loop syncs
 * the log before any answer of its turn leaves: requests arriving in pieces must get the same
 * answers, and none may wait for a sync that nothing asked for.
 */
final class PartialRequestsFsyncAlwaysIT extends PartialRequestsIT {

    @RegisterExtension
    static final SharedServer fsyncAlways = new SharedServer("--max-item-size", "1m", "--engine", "log",
            "--fsync", "always", "--data-dir", Path.of("target", "partial-requests-fsync-always").toString());

    @Override
    SharedServer server() {
        return fsyncAlways;
    }
}
