package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The Docker image, built from the repository's own Dockerfile (the repository root is the
 * build context, filtered by .dockerignore), driven from outside: the speicher client from a
 * Python container on a shared network, spymemcached from this JVM through the mapped port, and
 * the image's promises (its own non-root user, java as PID 1, the HEALTHCHECK, a clean exit on
 * {@code docker stop}, the log engine's files kept in the /data volume).
 *
 * <p>Skipped, not failed, where no Docker engine answers ({@code disabledWithoutDocker}).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerIT {

    static final int SPEICHER_PORT = 14567;
    static final int MEMCACHED_PORT = 11211;
    static final String ALIAS = "speicherd";
    static final String PYTHON_IMAGE = "python:3.12-slim";
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    /** Built once per run (the first container to start builds it) and removed at the end. */
    static final ImageFromDockerfile IMAGE = new ImageFromDockerfile("speicherd-it", true)
            .withDockerfile(repositoryRoot().resolve("Dockerfile"));

    static final Network NETWORK = Network.newNetwork();

    /** The image as a user runs it: no flags, so only the image's own defaults apply. */
    @Container
    static final GenericContainer<?> SPEICHERD = new GenericContainer<>(IMAGE)
            .withNetwork(NETWORK)
            .withNetworkAliases(ALIAS)
            .withExposedPorts(SPEICHER_PORT, MEMCACHED_PORT)
            // Ready when the image's own HEALTHCHECK says so: this also tests the check.
            .waitingFor(Wait.forHealthcheck().withStartupTimeout(START_TIMEOUT));

    /** The repository root: the nearest directory up from here that holds the Dockerfile. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("Dockerfile")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no Dockerfile above " + Path.of("").toAbsolutePath());
    }

    @Test
    void pythonSpeicherClientPassesItsFunctionalChecksFromAnotherContainer() {
        try (GenericContainer<?> python = new GenericContainer<>(DockerImageName.parse(PYTHON_IMAGE))
                .withNetwork(NETWORK)
                .withCopyFileToContainer(MountableFile.forHostPath(Python.script("speicher_client.py")),
                        "/scripts/speicher_client.py")
                .withCopyFileToContainer(MountableFile.forHostPath(Python.script("speicher_functional.py")),
                        "/scripts/speicher_functional.py")
                .withWorkingDirectory("/scripts")
                .withCommand("python", "speicher_functional.py", ALIAS, Integer.toString(SPEICHER_PORT))
                // Started means it ran to the end and exited 0.
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(START_TIMEOUT))) {
            try {
                python.start();
            } catch (ContainerLaunchException e) {
                fail("speicher_functional.py failed in " + PYTHON_IMAGE + ":\n" + python.getLogs(), e);
            }
            String output = python.getLogs();
            assertTrue(output.contains("OK"), output);
        }
    }

    @Test
    void spymemcachedThroughTheMappedPortSharesTheKeyspaceWithTheSpeicherPort() throws Exception {
        MemcachedClient client = new MemcachedClient(
                new InetSocketAddress(SPEICHERD.getHost(), SPEICHERD.getMappedPort(MEMCACHED_PORT)));
        try {
            assertTrue(client.set("container:k", 0, "v").get(10, TimeUnit.SECONDS));
            assertEquals("v", client.get("container:k"));
            assertEquals(5, client.incr("container:n", 1, 5));
            assertEquals(7, client.incr("container:n", 2));
            assertTrue(client.delete("container:k").get(10, TimeUnit.SECONDS));
            assertNull(client.get("container:k"));
            Map<String, String> stats = client.getStats().values().iterator().next();
            assertTrue(stats.get("version").startsWith("0."), stats.toString());

            // One keyspace: a speicher SET is a memcached get away.
            JsonObject reply = speicherCall(SPEICHERD.getHost(), SPEICHERD.getMappedPort(SPEICHER_PORT),
                    "{\"command\":\"SET\",\"key\":\"container:json\",\"value\":{\"a\":[1,true]}}");
            assertEquals(200, reply.get("status_code").getAsInt(), reply.toString());
            assertEquals("{\"a\":[1,true]}", client.get("container:json"));
        } finally {
            client.shutdown(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsAsItsOwnUserWithJavaAsPid1AndReportsHealthy() throws Exception {
        String status = SPEICHERD.execInContainer("cat", "/proc/1/status").getStdout();
        assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+10001\\s+10001\\s+10001\\s+10001")), status);
        String cmdline = SPEICHERD.execInContainer("cat", "/proc/1/cmdline").getStdout().replace('\0', ' ');
        assertTrue(cmdline.startsWith("java ") && cmdline.contains("-jar /app/speicherd.jar"), cmdline);
        assertEquals("healthy", SPEICHERD.getCurrentContainerInfo().getState().getHealth().getStatus());
        assertTrue(SPEICHERD.getLogs().contains(" ready: 0.0.0.0:"), SPEICHERD.getLogs());
    }

    /**
     * With the log engine, {@code docker stop} (SIGTERM to java, PID 1) exits 0 after the stop
     * line, and after {@code docker start} the item is read back from the /data volume.
     */
    @Test
    void logEngineStopsCleanlyOnDockerStopAndKeepsItsDataInTheVolume() throws Exception {
        try (GenericContainer<?> durable = new GenericContainer<>(IMAGE)
                .withEnv("SPEICHERD_ENGINE", "log")
                .withExposedPorts(MEMCACHED_PORT)
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(START_TIMEOUT))) {
            durable.start();
            String id = durable.getContainerId();
            MemcachedClient client = new MemcachedClient(
                    new InetSocketAddress(durable.getHost(), durable.getMappedPort(MEMCACHED_PORT)));
            try {
                assertTrue(client.set("durable", 0, "kept").get(10, TimeUnit.SECONDS));
            } finally {
                client.shutdown(10, TimeUnit.SECONDS);
            }

            DockerClient docker = durable.getDockerClient();
            docker.stopContainerCmd(id).withTimeout(30).exec();
            InspectContainerResponse stopped = docker.inspectContainerCmd(id).exec();
            assertEquals(0L, stopped.getState().getExitCodeLong(), durable.getLogs());
            assertTrue(durable.getLogs().contains("speicherd stopped"), durable.getLogs());

            docker.startContainerCmd(id).exec();
            // docker start maps the port anew.
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            Object value = null;
            while (value == null) {
                assertTrue(System.nanoTime() < deadline, "not back after docker start:\n" + durable.getLogs());
                Thread.sleep(500);
                value = getOrNull(durable.getHost(), mappedPort(docker, id, MEMCACHED_PORT), "durable");
            }
            assertEquals("kept", value);
        }
    }

    private static int mappedPort(DockerClient docker, String id, int port) {
        Ports.Binding[] bindings = docker.inspectContainerCmd(id).exec().getNetworkSettings().getPorts()
                .getBindings().get(ExposedPort.tcp(port));
        return bindings == null || bindings.length == 0 ? -1 : Integer.parseInt(bindings[0].getHostPortSpec());
    }

    /** A get on a fresh connection; null while the server is not (yet) there. */
    private static Object getOrNull(String host, int port, String key) {
        if (port < 0) {
            return null;
        }
        try (TextGet wire = new TextGet(host, port)) {
            return wire.get(key);
        } catch (IOException e) {
            return null;
        }
    }

    /** One speicher request on a fresh connection to host:port. */
    private static JsonObject speicherCall(String host, int port, String json) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(SpeicherWire.frame(json));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    /** One memcached get to any host (MemcachedWire talks to loopback only). */
    private static final class TextGet implements AutoCloseable {
        private final Socket socket;

        TextGet(String host, int port) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 2_000);
            socket.setSoTimeout(5_000);
        }

        /** The value of a get, or null for a miss. */
        String get(String key) throws IOException {
            socket.getOutputStream().write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new IOException("closed");
            }
            if (line.equals("END")) {
                return null;
            }
            if (!line.startsWith("VALUE ")) {
                throw new IOException("unexpected reply: " + line);
            }
            String value = in.readLine();
            if (!"END".equals(in.readLine())) {
                throw new IOException("no END after the value");
            }
            return value;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
