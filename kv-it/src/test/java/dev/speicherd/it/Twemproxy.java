package dev.speicherd.it;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * twemproxy (Debian's {@code nutcracker}) as a child process, sharding the memcached protocol
 * over servers named s1, s2, ... with ketama on fnv1a_64. The servers are named so that ketama
 * hashes the names, not the ports: the same key lands on the same server in every run.
 */
final class Twemproxy implements AutoCloseable {

    static final Path NUTCRACKER = Path.of("/usr/sbin/nutcracker");
    static final String POOL = "speicherd";
    /** nutcracker's per-server timeout, in milliseconds. */
    static final int TIMEOUT_MILLIS = 400;

    final int port;
    final int statsPort;
    final Path dir;
    private final Process process;

    private Twemproxy(int port, int statsPort, Path dir, Process process) {
        this.port = port;
        this.statsPort = statsPort;
        this.dir = dir;
        this.process = process;
    }

    /** The config nutcracker reads: one pool, auto-ejecting a server after one failure. */
    static String config(int port, int serverRetryTimeoutMillis, List<Integer> memcachedPorts) {
        StringBuilder yaml = new StringBuilder()
                .append(POOL).append(":\n")
                .append("  listen: 127.0.0.1:").append(port).append('\n')
                .append("  hash: fnv1a_64\n")
                .append("  distribution: ketama\n")
                .append("  timeout: ").append(TIMEOUT_MILLIS).append('\n')
                .append("  auto_eject_hosts: true\n")
                .append("  server_retry_timeout: ").append(serverRetryTimeoutMillis).append('\n')
                .append("  server_failure_limit: 1\n")
                .append("  servers:\n");
        for (int i = 0; i < memcachedPorts.size(); i++) {
            yaml.append("    - 127.0.0.1:").append(memcachedPorts.get(i)).append(":1 ").append(name(i)).append('\n');
        }
        return yaml.toString();
    }

    /** The name of the i-th server (0-based) in the config and in the stats. */
    static String name(int i) {
        return "s" + (i + 1);
    }

    /** Starts nutcracker in front of the given memcached ports and waits until it accepts. */
    static Twemproxy start(int serverRetryTimeoutMillis, List<Integer> memcachedPorts)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(NUTCRACKER)) {
            throw new IllegalStateException(NUTCRACKER + " missing: install nutcracker (.ci/run does)");
        }
        int[] ports = ServerProcess.freePorts(2);
        int port = ports[0];
        int statsPort = ports[1];
        Path dir = Files.createTempDirectory("twemproxy-");
        Path conf = dir.resolve("nutcracker.yml");
        Files.writeString(conf, config(port, serverRetryTimeoutMillis, memcachedPorts));
        // -s/-a: a stats listener of its own on loopback (the default 0.0.0.0:22222 would clash
        // between tests); -i: aggregate the stats every 50 ms rather than every 30 s.
        Process p = new ProcessBuilder(NUTCRACKER.toString(), "-c", conf.toString(),
                "-o", dir.resolve("nutcracker.log").toString(), "-p", dir.resolve("nutcracker.pid").toString(),
                "-s", Integer.toString(statsPort), "-a", "127.0.0.1", "-i", "50")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nutcracker.out").toFile()).start();
        Twemproxy proxy = new Twemproxy(port, statsPort, dir, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!proxy.accepts()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                proxy.close();
                throw new IllegalStateException("nutcracker did not start; log:\n" + proxy.log());
            }
            Thread.sleep(20);
        }
        return proxy;
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** nutcracker's stats as it last aggregated them. */
    JsonObject stats() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", statsPort), 2000);
            s.setSoTimeout(2000);
            String json = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return JsonParser.parseString(json).getAsJsonObject();
        }
    }

    /** One server's stats within the pool. */
    JsonObject serverStats(String name) throws IOException {
        return stats().getAsJsonObject(POOL).getAsJsonObject(name);
    }

    /** Waits until the stats say the pool has ejected servers this many times in all. */
    void awaitEjects(int ejects) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stats().getAsJsonObject(POOL).get("server_ejects").getAsInt() < ejects) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no eject seen; stats: " + stats() + "\nlog:\n" + log());
            }
            Thread.sleep(20);
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("nutcracker.log"), StandardCharsets.UTF_8)
                    + Files.readString(dir.resolve("nutcracker.out"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
