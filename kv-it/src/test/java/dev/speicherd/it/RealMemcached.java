package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real memcached 1.6 (Debian's, which {@code .ci/run} installs) on a free loopback port, for
 * tests that compare speicherd's answers with memcached's: started before the class's first
 * test, once it answers {@code version}, and stopped after its last. Register it as {@code
 * @RegisterExtension static final RealMemcached memcached = new RealMemcached(flags...)}.
 */
final class RealMemcached implements BeforeAllCallback, AfterAllCallback {

    static final Path BINARY = Path.of("/usr/bin/memcached");
    static final long START_TIMEOUT_SECONDS = 10;

    private final String[] flags;
    private Process process;
    private int port;

    RealMemcached(String... flags) {
        this.flags = flags.clone();
    }

    int port() {
        return port;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assertTrue(Files.isExecutable(BINARY), "memcached is not installed; .ci/run installs it with apt-get");
        for (int attempt = 1; ; attempt++) {
            port = ServerProcess.freePort();
            List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-u", "root", "-U", "0",
                    "-l", "127.0.0.1", "-p", Integer.toString(port), "-t", "2"));
            command.addAll(List.of(flags));
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (awaitVersion()) {
                return;
            }
            // memcached exited: most likely its port was taken after it was found free
            if (attempt == ServerProcess.PORT_ATTEMPTS) {
                throw new IllegalStateException("memcached exited at start " + attempt + " times; last port " + port);
            }
        }
    }

    /** Waits until memcached answers {@code version}; false if it exited first. */
    private boolean awaitVersion() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (true) {
            try (MemcachedWire w = new MemcachedWire(port)) {
                if (w.call("version\r\n").startsWith("VERSION")) {
                    return true;
                }
            } catch (IOException e) {
                if (!process.isAlive()) {
                    return false;
                }
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
