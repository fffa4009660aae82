package dev.speicherd.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the server holds for its clients is bounded ({@code --client-memory}), so that many clients
 * with large values at once cannot run its heap out: before the bound, a thousand clients each
 * sending, or each fetching, a 1 MiB value at once ended a server with a 512 MiB heap
 * (OutOfMemoryError). The jar runs with {@code -Xmx512m} here, as {@link ServerProcess} starts it.
 * Under the log engine's {@code fsync always}, which served each connection on a thread of its own
 * that read a value into an array of its whole size, the same sets ran the heap out until that
 * mode was served by the event loops too.
 */
class ClientMemoryIT {

    static final int CLIENTS = 1000;
    static final int VALUE_BYTES = 1 << 20;
    /** How long a client waits for an answer; a server that ran its heap out answers never. */
    static final int TIMEOUT_MILLIS = 60_000;

    private static byte[] value(int seed) {
        byte[] v = new byte[VALUE_BYTES];
        Arrays.fill(v, (byte) ('a' + seed % 26));
        return v;
    }

    /** Runs {@code task} for every client at once (they all start together) and returns the results. */
    private static <T> List<T> allAtOnce(int clients, TaskFor<T> task) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                int client = i;
                futures.add(threads.submit((Callable<T>) () -> {
                    go.await();
                    return task.run(client);
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }

    @FunctionalInterface
    private interface TaskFor<T> {
        T run(int client) throws Exception;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed after '" + line.toString(US_ASCII) + "'");
            }
            line.write(b);
        }
        return line.toString(US_ASCII).strip();
    }

    /** Stores a 1 MiB value as {@code big} and returns it. */
    private static byte[] storeBig(MemcachedWire w, int seed) throws IOException {
        byte[] big = value(seed);
        w.send(("set big 0 0 " + VALUE_BYTES + "\r\n").getBytes(US_ASCII)).send(big).send("\r\n");
        assertEquals("STORED", w.line());
        return big;
    }

    private static void assertAlive(ServerProcess server) throws IOException {
        try (MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
            assertEquals("STORED", w.call("set after 0 0 2\r\nok\r\n"));
            assertEquals("VALUE after 0 2|ok|END", w.send("get after\r\n").untilEnd());
        }
        assertTrue(server.isAlive());
        assertFalse(server.stderrText().contains("OutOfMemoryError"), server.stderrText());
    }

    @TempDir
    static Path data;

    /** The memory engine, and the log engine under {@code fsync always}, whose loops sync before they answer. */
    static Stream<List<String>> engines() {
        return Stream.of(List.of(),
                List.of("--engine", "log", "--fsync", "always", "--data-dir", data.resolve("always").toString()));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aThousandClientsEachSendingAMebibyteAtOnceAreAllStored(List<String> engine) throws Exception {
        List<String> flags = new ArrayList<>(engine);
        flags.addAll(List.of("-c", "2000"));
        try (ServerProcess server = ServerProcess.start(flags.toArray(String[]::new))) {
            List<String> replies = allAtOnce(CLIENTS, client -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.memcachedPort)) {
                    s.setSoTimeout(TIMEOUT_MILLIS);
                    OutputStream out = s.getOutputStream();
                    out.write(("set big" + client + " 0 0 " + VALUE_BYTES + "\r\n").getBytes(US_ASCII));
                    out.write(value(client));
                    out.write("\r\n".getBytes(US_ASCII));
                    out.flush();
                    return line(s.getInputStream());
                }
            });
            assertEquals(List.of("STORED"), replies.stream().distinct().toList(), "every client's set");
            assertAlive(server);
            try (MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
                assertTrue(w.stat("client_memory_waits") > 0, "a thousand 1 MiB sets at once, and none waited?");
                assertEquals(0, w.stat("client_memory"), "every share given back");
                assertEquals(0, w.stat("client_memory_closed"));
            }
        }
    }

    @Test
    void aThousandClientsEachFetchingAMebibyteAtOnceAllGetItWhole() throws Exception {
        try (ServerProcess server = ServerProcess.start("-c", "2000");
                MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
            byte[] big = storeBig(w, 7);
            List<Boolean> whole = allAtOnce(CLIENTS, client -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.memcachedPort)) {
                    s.setSoTimeout(TIMEOUT_MILLIS);
                    s.getOutputStream().write("get big\r\n".getBytes(US_ASCII));
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    assertEquals("VALUE big 0 " + VALUE_BYTES, line(in));
                    byte[] got = new byte[VALUE_BYTES];
                    in.readFully(got);
                    assertArrayEquals(big, got);
                    assertEquals("", line(in));
                    return line(in).equals("END");
                }
            });
            assertEquals(List.of(true), whole.stream().distinct().toList(), "every client's answer, byte for byte");
            assertAlive(server);
            assertEquals(0, w.stat("client_memory"), "every share given back");
            assertEquals(0, w.stat("client_memory_closed"), "every client read its answer");
        }
    }

    @Test
    void clientsThatAskForLargeAnswersAndDoNotReadLoseTheirConnectionsNotTheServer() throws Exception {
        // the least client memory the default item size allows: one answer of 1 MiB takes half
        try (ServerProcess server = ServerProcess.start("--client-memory", "2176k");
                MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
            byte[] big = storeBig(w, 3);
            int idle = 20;
            List<Socket> sockets = new ArrayList<>();
            try {
                byte[] gets = "get big\r\n".repeat(64).getBytes(US_ASCII);
                for (int i = 0; i < idle; i++) {
                    Socket s = new Socket();
                    s.setReceiveBufferSize(4096);
                    s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.memcachedPort));
                    s.getOutputStream().write(gets); // 64 MiB of answers asked for, none read
                    sockets.add(s);
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                long open;
                do {
                    Thread.sleep(200);
                    open = w.stat("curr_connections");
                } while (open == idle + 1 && System.nanoTime() < deadline);
                assertTrue(open < idle + 1, "none of the " + idle + " connections that do not read was closed");
                // counted before each close, and read after the connections were: at least as many
                long closed = w.stat("client_memory_closed");
                assertTrue(closed >= idle + 1 - open && closed <= idle, "closed for client memory: " + closed);

                // a client that reads is served whole: its answer leaves as it is made
                w.send("get big\r\n");
                assertEquals("VALUE big 0 " + VALUE_BYTES, w.line());
                assertEquals(new String(big, US_ASCII), w.line());
                assertEquals("END", w.line());
                assertAlive(server);
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    /**
     * The loops read and write sockets through a direct buffer of their own, of a fixed size. Given
     * heap buffers, NIO copies through temporary direct buffers as large as each call, and keeps
     * the largest in a per-thread cache for good: after one answer of 30 MiB, 29 MiB stayed outside
     * the heap and outside the client memory bound. The JVM's native memory tracking counts direct
     * buffers as "Other".
     */
    @Test
    void aLargeAnswerLeavesNoBufferOfItsSizeOutsideTheHeap() throws Exception {
        int values = 30;
        try (ServerProcess server = ServerProcess.launch(
                        Map.of("SPEICHERD_JAVA_OPTS", "-XX:NativeMemoryTracking=summary"), "-m", "256");
                MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
            StringBuilder get = new StringBuilder("get");
            for (int i = 0; i < values; i++) {
                w.send(("set big" + i + " 0 0 " + VALUE_BYTES + "\r\n").getBytes(US_ASCII)).send(value(i)).send("\r\n");
                assertEquals("STORED", w.line());
                get.append(" big").append(i);
            }
            w.send(get.append("\r\n").toString());
            for (int i = 0; i < values; i++) {
                assertEquals("VALUE big" + i + " 0 " + VALUE_BYTES, w.line());
                byte[] got = w.in.readNBytes(VALUE_BYTES + 2);
                assertArrayEquals(value(i), Arrays.copyOf(got, VALUE_BYTES));
            }
            assertEquals("END", w.line());

            long other = committedKiB(server.pid(), "Other");
            assertTrue(other < 4 * 1024, "direct memory after a 30 MiB answer: " + other + " KiB");
            assertAlive(server);
        }
    }

    /** What native memory tracking says is committed in one category of the JVM {@code pid}, in KiB. */
    private static long committedKiB(long pid, String category) throws IOException, InterruptedException {
        String jcmd = Path.of(ServerProcess.java()).resolveSibling("jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), "VM.native_memory", "summary")
                .redirectErrorStream(true).start();
        String summary = new String(p.getInputStream().readAllBytes(), US_ASCII);
        assertEquals(0, p.waitFor(), summary);
        Matcher m = Pattern.compile(category + " \\(reserved=\\d+KB, committed=(\\d+)KB").matcher(summary);
        assertTrue(m.find(), summary);
        return Long.parseLong(m.group(1));
    }
}
