package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.utils.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * memcached's binary protocol against the jar: libmemcached's memcapable in binary mode,
 * spymemcached and xmemcached in binary mode, and raw sockets for what no client sends, with
 * real memcached 1.6.18 beside it for the answers to bad input.
 */
class BinaryProtocolIT {

    /** memcapable's binary tests that memcached 1.6.18 passes on this machine: all of them. */
    static final int MEMCAPABLE_BINARY_TESTS = 27;
    static final int THREADS = 16;
    static final int OPS_PER_THREAD = 300;
    static final int TIMEOUT_MILLIS = 10_000;
    static final int MAX_ITEM_BYTES = 1024 * 1024;

    @RegisterExtension
    static final SharedServer server = new SharedServer("--max-item-size", "1m");
    @RegisterExtension
    static final RealMemcached memcached = new RealMemcached("-I", "1m");

    // ---- requests and responses on the wire

    private static final byte[] NONE = new byte[0];
    private static final String NOOP_ANSWER = "810a00000000000000000000deadbeef0000000000000000";
    private static final String QUIT_ANSWER = "810700000000000000000000deadbeef0000000000000000";

    /** A request with the sizes its parts have, opaque 0xdeadbeef. */
    static byte[] request(int opcode, byte[] extras, byte[] key, byte[] value) {
        int body = extras.length + key.length + value.length;
        return ByteBuffer.allocate(24 + body).put((byte) 0x80).put((byte) opcode).putShort((short) key.length)
                .put((byte) extras.length).put((byte) 0).putShort((short) 0).putInt(body).putInt(0xdeadbeef)
                .putLong(0).put(extras).put(key).put(value).array();
    }

    /** A header claiming {@code bodyLength}, whatever follows it. */
    static byte[] header(int opcode, int keyLength, int extrasLength, long bodyLength) {
        return ByteBuffer.allocate(24).put((byte) 0x80).put((byte) opcode).putShort((short) keyLength)
                .put((byte) extrasLength).put((byte) 0).putShort((short) 0).putInt((int) bodyLength)
                .putInt(0xdeadbeef).putLong(0).array();
    }

    static byte[] noop() {
        return request(0x0a, NONE, NONE, NONE);
    }

    static byte[] quit() {
        return request(0x07, NONE, NONE, NONE);
    }

    static byte[] get(String key) {
        return request(0x00, NONE, ascii(key), NONE);
    }

    static byte[] set(String key, byte[] value) {
        return request(0x01, new byte[8], ascii(key), value);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * Sends {@code input} on a fresh connection, optionally ends our side, and returns everything
     * the server sent until it closed, as hex with {@code |EOF} when it did.
     */
    static String converse(int port, byte[] input, boolean endInput) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.getOutputStream().write(input);
            if (endInput) {
                socket.shutdownOutput();
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) != -1; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                return HexFormat.of().formatHex(got.toByteArray()) + "|still open";
            }
            return HexFormat.of().formatHex(got.toByteArray()) + "|EOF";
        }
    }

    // ---- memcapable

    @Test
    void memcapableBinaryPassesEveryTest() throws Exception {
        String memcapable = "/usr/bin/memccapable";
        assertTrue(Files.isExecutable(Path.of(memcapable)),
                "memccapable missing: install libmemcached-tools (.ci/run does)");
        Process p = new ProcessBuilder(memcapable, "-h", "127.0.0.1", "-p",
                Integer.toString(server.memcachedPort()), "-b").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertEquals(MEMCAPABLE_BINARY_TESTS, out.lines().filter(l -> l.endsWith("[pass]")).count(), out);
        assertTrue(out.contains("All tests passed"), out);
    }

    // ---- Java clients in binary mode

    private static net.spy.memcached.MemcachedClient spy() throws IOException {
        return new net.spy.memcached.MemcachedClient(
                new ConnectionFactoryBuilder().setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).build(),
                List.of(new InetSocketAddress("127.0.0.1", server.memcachedPort())));
    }

    private static MemcachedClient xmemcached(int port, int connections) throws IOException {
        XMemcachedClientBuilder builder = new XMemcachedClientBuilder(AddrUtil.getAddresses("127.0.0.1:" + port));
        builder.setCommandFactory(new BinaryCommandFactory());
        builder.setConnectionPoolSize(connections);
        return builder.build();
    }

    @Test
    void spymemcachedInBinaryMode() throws Exception {
        net.spy.memcached.MemcachedClient c = spy();
        try {
            ClientCommandChecks.spymemcached(c, "bspy:");
            // What binary spymemcached adds: a cas on append and delete, and get-and-touch.
            long cas = c.gets("bspy:add").getCas();
            assertFalse(c.append(cas + 1, "bspy:add", "!").get(), "append checks the cas");
            assertTrue(c.append(cas, "bspy:add", "!").get());
            assertEquals("pcd!", c.get("bspy:add"));
            assertTrue(c.set("bspy:gat", 0, "w").get());
            assertEquals("w", c.getAndTouch("bspy:gat", 100).getValue());
            long deleteCas = c.gets("bspy:gat").getCas();
            assertFalse(c.delete("bspy:gat", deleteCas + 1).get(), "delete checks the cas");
            assertTrue(c.delete("bspy:gat", deleteCas).get());
            assertNull(c.get("bspy:gat"));
        } finally {
            c.shutdown(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void xmemcachedInBinaryMode() throws Exception {
        MemcachedClient c = xmemcached(server.memcachedPort(), 2);
        try {
            ClientCommandChecks.xmemcached(c, "bx:");
            assertTrue(c.set("bx:gat", 0, "w"));
            assertEquals("w", c.getAndTouch("bx:gat", 100));
        } finally {
            c.shutdown();
        }
    }

    @Test
    void xmemcachedNoReplyCallsAreQuietOpcodesAnsweredInOrder() throws Exception {
        // One connection, so that the get after the quiet requests travels behind them.
        MemcachedClient c = xmemcached(server.memcachedPort(), 1);
        try {
            c.setWithNoReply("bxq:k", 0, "q");
            c.appendWithNoReply("bxq:k", "!");
            c.addWithNoReply("bxq:k", 0, "not stored, and the error does not disturb the next answer");
            assertEquals("q!", c.get("bxq:k"));
            c.deleteWithNoReply("bxq:k");
            assertNull(c.get("bxq:k"));
            c.setWithNoReply("bxq:k", 0, "again");
            assertEquals("again", c.get("bxq:k"));
        } finally {
            c.shutdown();
        }
    }

    @Test
    void manyThreadsThroughBothBinaryClientsAgreeOnOneCounter() throws Exception {
        CrossClientCounter.run(spy(), xmemcached(server.speicherPort(), 2), "bboth:", THREADS, OPS_PER_THREAD); // binary on the speicher port too
    }

    // ---- one port, three protocols

    @Test
    void eachPortServesTextSpeicherAndBinaryConnectionsAtOnce() throws IOException {
        for (int port : new int[] {server.memcachedPort(), server.speicherPort()}) {
            String key = "three:" + port;
            try (Socket binary = new Socket("127.0.0.1", port);
                    MemcachedWire text = new MemcachedWire(port);
                    SpeicherWire speicher = new SpeicherWire(port)) {
                binary.setSoTimeout(TIMEOUT_MILLIS);
                binary.getOutputStream().write(concat(set(key, ascii("41")),
                        request(0x05, ByteBuffer.allocate(20).putLong(1).putLong(0).putInt(0).array(), ascii(key),
                                NONE)));
                InputStream in = binary.getInputStream();
                byte[] stored = in.readNBytes(24);
                assertEquals(0x81, stored[0] & 0xFF);
                assertEquals(0, ByteBuffer.wrap(stored, 6, 2).getShort(), "set stored");
                byte[] incremented = in.readNBytes(32);
                assertEquals(42, ByteBuffer.wrap(incremented, 24, 8).getLong());

                assertEquals("VALUE " + key + " 0 2|42|END", text.send("get " + key + "\r\n").untilEnd());
                JsonObject reply = speicher.call("{\"command\":\"GET\",\"key\":\"" + key + "\"}");
                assertEquals("42", reply.get("value").toString());

                text.call("set " + key + " 0 0 3\r\nabc\r\n");
                binary.getOutputStream().write(get(key));
                byte[] hit = in.readNBytes(24 + 4 + 3);
                assertArrayEquals(ascii("abc"), java.util.Arrays.copyOfRange(hit, 28, 31));
            }
        }
    }

    // ---- bad input, answered as memcached answers it

    /** A conversation with bad input, and whether our side ends its input after sending. */
    record BadInput(String what, byte[] input, boolean endInput) {
        @Override
        public String toString() {
            return what;
        }
    }

    static List<BadInput> badInputs() {
        byte[] notARequest = noop();
        notARequest[0] = (byte) 0x81;
        return List.of(
                new BadInput("a bad magic byte mid-stream: the requests before it answered, then closed",
                        concat(noop(), get("bad:missing"), notARequest, noop()), false),
                new BadInput("a header cut short, then our end: closed without a word",
                        java.util.Arrays.copyOf(noop(), 10), true),
                new BadInput("a value over the item limit: too large, skipped, and the next request answered",
                        concat(set("bad:big", new byte[MAX_ITEM_BYTES + 1]), get("bad:big"), quit()), false),
                new BadInput("a key over 250 bytes: invalid arguments, then closed",
                        concat(get("k".repeat(251)), noop()), false),
                new BadInput("a get with extras: invalid arguments, then closed",
                        concat(request(0x00, new byte[4], ascii("k"), NONE), noop()), false),
                new BadInput("a key longer than the body: unknown command, then closed",
                        concat(header(0x00, 8, 0, 4), ascii("12345678"), noop()), false),
                new BadInput("a noop with a body: invalid arguments, then closed",
                        concat(request(0x0a, NONE, NONE, ascii("x")), noop()), false),
                new BadInput("an unknown opcode without a body, and sasl: unknown command, and on",
                        concat(request(0x40, NONE, NONE, NONE), request(0x20, NONE, NONE, NONE),
                                request(0x21, NONE, ascii("PLAIN"), ascii("\0u\0p")), quit()), false),
                new BadInput("quiet requests: errors answered, successes and misses not",
                        concat(request(0x09, NONE, ascii("bad:missing"), NONE),
                                request(0x14, NONE, ascii("bad:missing"), NONE),
                                request(0x1a, NONE, ascii("bad:missing"), ascii("x")), quit()), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsAnsweredAsMemcachedAnswersItAndTheServerServesOthers(BadInput bad) throws IOException {
        String expected = converse(memcached.port(), bad.input(), bad.endInput());
        assertEquals(expected, converse(server.memcachedPort(), bad.input(), bad.endInput()), bad.what());
        assertEquals(NOOP_ANSWER + QUIT_ANSWER + "|EOF", converse(server.memcachedPort(), concat(noop(), quit()), false),
                "another connection is served");
        assertTrue(server.isAlive());
    }

    @Test
    void anAbsurdBodyLengthIsRefusedAsTooLargeAndTheConnectionClosed() throws IOException {
        // memcached's int arithmetic turns a body of 4 GiB - 256 negative and serves on; speicherd
        // refuses any body over 2^31 - 1 and closes rather than read gigabytes.
        assertEquals("81400000000000030000000adeadbeef0000000000000000546f6f206c617267652e|EOF",
                converse(server.memcachedPort(), concat(header(0x40, 0, 0, 0xffffff00L), noop()), false));
        assertEquals("81010000000000030000000adeadbeef0000000000000000546f6f206c617267652e|EOF",
                converse(server.memcachedPort(), concat(header(0x01, 1, 8, 0x80000000L), noop()), false));
    }

    @Test
    void anUnknownOpcodesBodyIsSkippedWholeSoTheNextRequestIsAnswered() throws IOException {
        // memcached skips the body after the key again and so eats the next request's first bytes.
        assertEquals("81400000000000810000000fdeadbeef0000000000000000556e6b6e6f776e20636f6d6d616e64"
                        + NOOP_ANSWER + QUIT_ANSWER + "|EOF",
                converse(server.memcachedPort(), concat(request(0x40, NONE, ascii("key"), ascii("value")), noop(),
                        quit()), false));
    }
}
