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
    /**
     * Starts on free ports before giving up. A port found free can be taken before the server
     * binds it (by any socket on the machine: a client's ephemeral port comes from the same
     * range), so a start that lost its port tries again on fresh ones.
     */
    static final int PORT_ATTEMPTS = 3;
    /** What the server's failure to bind says; the sign of a port taken since it was found free. */
    static final String PORT_TAKEN = "Address already in use";
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
        return freePorts(1)[0];
    }

    /** {@code count} different ports that were free a moment ago: all are held open until all are found. */
    static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // it was only held to keep its port from the next one
                }
            }
        }
    }

    /** Starts the jar with both listeners on free ports and the given extra flags. */
    static ServerProcess start(String... flags) {
        return startOnFreePorts(List.of(java(), "-Xmx512m", "-jar", jar().toString()), Map.of(), flags);
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
        return startOnFreePorts(List.of(LAUNCHER.toString()), launcherEnvironment(env), flags);
    }

    /** {@code env}, and what the launcher needs to run the jar under test with the JDK running the tests. */
    static Map<String, String> launcherEnvironment(Map<String, String> env) {
        Map<String, String> launcherEnv = new HashMap<>(env);
        launcherEnv.put("SPEICHERD_JAR", jar().toString());
        // bin/jdk takes $JAVA_HOME when it is new enough
        launcherEnv.put("JAVA_HOME", Path.of(java()).getParent().getParent().toString());
        return launcherEnv;
    }

    private static ServerProcess startOnFreePorts(List<String> launch, Map<String, String> env, String... flags) {
        for (int attempt = 1; ; attempt++) {
            int[] ports = freePorts(2);
            try {
                return start(launch, env, ports[0], ports[1], flags);
            } catch (PortTaken e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
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
                    String printed = stderrText();
                    String message = "speicherd did not become ready; stderr:\n" + printed;
                    throw printed.contains(PORT_TAKEN) ? new PortTaken(message) : new IllegalStateException(message);
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

    /** The server could not bind a port: another socket took it after it was found free. */
    static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }
}
