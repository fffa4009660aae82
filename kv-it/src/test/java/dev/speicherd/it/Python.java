package dev.speicherd.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python scripts of {@code src/test/python} as the tests' real clients. Prefers the
 * system interpreter, which is where Debian installs client libraries such as pymemcache.
 */
final class Python {

    static final long TIMEOUT_SECONDS = 120;

    /** What a script printed and how it exited. */
    record Result(int exitCode, String output) {}

    private Python() {}

    static String interpreter() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    static Path script(String name) {
        return Path.of(System.getProperty("speicherd.scripts", "src/test/python"), name);
    }

    /** Runs a script with arguments, merging its output streams, and waits for it. */
    static Result run(String script, Object... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(interpreter(), script(script).toString()));
        for (Object arg : args) {
            command.add(String.valueOf(arg));
        }
        Path output = Files.createTempFile("speicherd-" + script, ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException(script + " did not finish in " + TIMEOUT_SECONDS
                        + " s; it printed:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
