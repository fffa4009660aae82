package dev.speicherd.it;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PartialRequestsIT} against the other way connections are served: under the log
 * engine's {@code fsync always} each connection has a thread that blocks on its socket, and the
 * same requests arriving in pieces must get the same answers.
 */
final class PartialRequestsOnThreadsIT extends PartialRequestsIT {

    @RegisterExtension
    static final SharedServer onThreads = new SharedServer("--max-item-size", "1m", "--engine", "log",
            "--fsync", "always", "--data-dir", Path.of("target", "partial-requests-on-threads").toString());

    @Override
    SharedServer server() {
        return onThreads;
    }
}
