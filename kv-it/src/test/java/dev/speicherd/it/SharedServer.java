package dev.speicherd.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One jar process shared by the tests of a class: started before the first, stopped after the
 * last. Register it as {@code @RegisterExtension static final SharedServer server = new
 * SharedServer(flags...)}.
 */
final class SharedServer implements BeforeAllCallback, AfterAllCallback {

    private final String[] flags;
    private ServerProcess process;

    SharedServer(String... flags) {
        this.flags = flags.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        process = ServerProcess.start(flags);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }

    int memcachedPort() {
        return process.memcachedPort;
    }

    int speicherPort() {
        return process.speicherPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stderrText() {
        return process.stderrText();
    }
}
