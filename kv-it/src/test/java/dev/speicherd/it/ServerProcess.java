package dev.speicherd.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built speicherd jar running as a child process on free loopback ports, as a user would run
 * it. Its standard error goes to a file (a pipe read by a thread races with the JDK draining it
 * when the process exits, and loses the last lines); {@link #start} returns once the server has
 * logged that it is ready.
 */
final class ServerProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    /** The README's launcher. */
    static final Path LAUNCHER = Path.of("../bin/speicherd").toAbsolutePath().normalize();

    private final Process process;
    private final Path stderr;
    final int speicherPort;
    final int memcachedPort;

    private ServerProcess(Process process, Path stderr, int speicherPort, int memcachedPort) {
        this.process = process;
        this.stderr = stderr;
        this.speicherPort = speicherPort;
        this.memcachedPort = memcachedPort;
    }

    /** The jar under test, as the build passes it in. */
    static Path jar() {
        String jar = System.getProperty("speicherd.jar", "../kv-server/target/kv-server.jar");
        Path path = Path.of(jar).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("no jar at " + path + "; build kv-server first");
        }
        return path;
    }

    /** The java that runs these tests: a JDK >= 21, since the build requires one. */
    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** A port that was free a moment ago. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the jar with both listeners on free ports and the given extra flags. */
    static ServerProcess start(String... flags) {
        return start(freePort(), freePort(), flags);
    }

    /** Starts the jar on the given ports with the given extra flags, and waits until ready. */
    static ServerProcess start(int speicherPort, int memcachedPort, String... flags) {
        return start(List.of(java(), "-Xmx512m", "-jar", jar().toString()), Map.of(), speicherPort, memcachedPort, flags);
    }

    /**
     * Starts the jar through {@code bin/speicherd}, the launcher the README starts it with (its JVM
     * launch defaults and heap), on free ports with the given environment and extra flags.
     */
    static ServerProcess launch(Map<String, String> env, String... flags) {
        return start(List.of(LAUNCHER.toString()), launcherEnvironment(env), freePort(), freePort(), flags);
    }

    /** {@code env}, and what the launcher needs to run the jar under test with the JDK running the tests. */
    static Map<String, String> launcherEnvironment(Map<String, String> env) {
        Map<String, String> launcherEnv = new HashMap<>(env);
        launcherEnv.put("SPEICHERD_JAR", jar().toString());
        // bin/jdk takes $JAVA_HOME when it is new enough
        launcherEnv.put("JAVA_HOME", Path.of(java()).getParent().getParent().toString());
        return launcherEnv;
    }

    private static ServerProcess start(List<String> launch, Map<String, String> env, int speicherPort,
            int memcachedPort, String... flags) {
        List<String> command = new ArrayList<>(launch);
        command.addAll(List.of("--speicher-port", Integer.toString(speicherPort),
                "--memcached-port", Integer.toString(memcachedPort)));
        command.addAll(List.of(flags));
        Process process;
        Path stderr;
        try {
            stderr = Files.createTempFile("speicherd-stderr-", ".log");
            stderr.toFile().deleteOnExit();
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(env);
            process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcess server = new ServerProcess(process, stderr, speicherPort, memcachedPort);
        server.awaitReady();
        return server;
    }

    private void awaitReady() {
        try {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!isReady()) {
                Thread.sleep(20);
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("speicherd did not become ready; stderr:\n" + stderrText());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean isReady() {
        return stderrText().lines().anyMatch(line -> line.contains("speicherd") && line.contains(" ready: "));
    }

    /** Everything the server wrote to standard error so far. */
    String stderrText() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + stderr + ": " + e.getMessage() + ")";
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM and waits for the exit status. */
    int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    /** Sends SIGKILL, as a crash would, and waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the process to exit by itself and returns its status. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("speicherd did not exit within " + STOP_TIMEOUT);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
