package dev.speicherd.server.binary;

import static dev.speicherd.server.binary.Packets.concat;
import static dev.speicherd.server.binary.Packets.concatenate;
import static dev.speicherd.server.binary.Packets.counter;
import static dev.speicherd.server.binary.Packets.request;
import static dev.speicherd.server.binary.Packets.responses;
import static dev.speicherd.server.binary.Packets.set;
import static dev.speicherd.server.binary.Packets.simple;
import static dev.speicherd.server.binary.Packets.utf8;
import static dev.speicherd.server.binary.Packets.withExpiration;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.api.Lookup;
import dev.speicherd.api.StorageException;
import dev.speicherd.api.Store;
import dev.speicherd.server.BlockingConnection;
import dev.speicherd.server.ServerConfig;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.ServerStats;
import dev.speicherd.server.binary.Packets.Response;
import dev.speicherd.storage.MemoryStore;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BinaryProtocolHandlerTest {

    private static final int MAX_ITEM_BYTES = 100;
    private static final long START = 1_700_000_000_000L;
    private static final int NOOP = 0x0a;

    private final AtomicLong now = new AtomicLong(START);
    private final MemoryStore engine = new MemoryStore(now::get, 0);
    /** When set, every change the store is asked for fails with this message, as a broken disk's would. */
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final ServerContext context = new ServerContext(failable(engine), now::get, config(), new ServerStats(START));

    private static ServerConfig config() {
        return new ServerConfig(14567, 11211, InetAddress.getLoopbackAddress(), ServerConfig.Engine.MEMORY,
                Path.of("data"), ServerConfig.Fsync.EVERYSEC, 64L << 20, 2, 0, MAX_ITEM_BYTES, 16, 64L << 20, Duration.ZERO, 1,
                ServerConfig.Io.NIO, 0);
    }

    private Store failable(Store store) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, args) -> {
                    String reason = failure.get();
                    if (reason != null && !method.getName().equals("get") && !method.getName().equals("stats")) {
                        throw new StorageException(reason, null);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Serves {@code input} as one connection and returns the responses. */
    private List<Response> converse(byte[] input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BlockingConnection.serve(new BinaryProtocolHandler(), BlockingConnection.transport(new ByteArrayInputStream(input), out), context);
        return responses(out.toByteArray());
    }

    private static void assertResponse(Response r, int opcode, int status, int opaque) {
        assertEquals(opcode, r.opcode(), r::toString);
        assertEquals(status, r.status(), r::toString);
        assertEquals(opaque, r.opaque(), r::toString);
    }

    @Test
    void quietRequestsAnswerOnlyWhatSaysSomethingNewAndInOrder() throws IOException {
        List<Response> rs = converse(concat(
                set(0x11, 1, "k", "v", 0),                  // setq stored: silent
                simple(0x09, 2, "absent"),                 // getq miss: silent
                simple(0x0d, 3, "k"),                      // getkq hit: answered, with the key
                simple(0x14, 4, "absent"),                 // deleteq miss: an error, answered
                counter(0x15, 5, "n", 1, 7, 0, 0),         // incrementq created: silent
                set(0x12, 6, "k", "w", 0),                 // addq on a live key: an error, answered
                withExpiration(0x1e, 7, "absent", 0),      // gatq miss: silent
                simple(0x18, 8, ""),                       // flushq: silent
                simple(0x17, 9, ""),                       // quitq: silent, and the end
                simple(NOOP, 10, "")));
        assertEquals(3, rs.size(), rs::toString);
        assertResponse(rs.get(0), 0x0d, 0x0000, 3);
        assertEquals("k", rs.get(0).key());
        assertEquals("v", rs.get(0).text());
        assertResponse(rs.get(1), 0x14, 0x0001, 4);
        assertResponse(rs.get(2), 0x12, 0x0002, 6);
        assertEquals(Lookup.MISS, engine.get(utf8("k")), "the flush ran");
    }

    @Test
    void getsAnswerWithTheFlagsTheValueTheCasAndOnlyWhenAskedTheKey() throws IOException {
        List<Response> rs = converse(concat(
                request(0x01, 1, new byte[] {0, 0, (byte) 0xca, (byte) 0xfe, 0, 0, 0, 0}, "k", utf8("v"), 0),
                simple(0x00, 2, "k"), simple(0x0c, 3, "k"), simple(0x00, 4, "absent"), simple(0x0c, 5, "absent")));
        long cas = rs.get(0).cas();
        assertNotEquals(0, cas);
        assertResponse(rs.get(1), 0x00, 0, 2);
        assertEquals(0xcafe, rs.get(1).flags());
        assertEquals("", rs.get(1).key());
        assertEquals("v", rs.get(1).text());
        assertEquals(cas, rs.get(1).cas());
        assertEquals("k", rs.get(2).key());
        assertResponse(rs.get(3), 0x00, 0x0001, 4);
        assertEquals("Not found", rs.get(3).text());
        assertResponse(rs.get(4), 0x0c, 0x0001, 5);
        assertEquals("absent", rs.get(4).key(), "a getk miss names its key, as memcached's does");
        assertEquals("", rs.get(4).text());
    }

    @Test
    void theCasInTheHeaderIsCheckedByEveryChange() throws IOException {
        long cas = converse(set(1, "k", "v")).get(0).cas();
        long wrong = cas + 1000;
        List<Response> rs = converse(concat(
                set(0x01, 1, "k", "x", wrong),
                set(0x03, 2, "k", "x", wrong),
                set(0x02, 3, "k", "x", wrong),
                concatenate(0x0e, 4, "k", "x", wrong),
                concatenate(0x0f, 5, "k", "x", wrong),
                request(0x04, 6, new byte[0], "k", new byte[0], wrong),
                set(0x01, 7, "absent", "x", cas),
                concatenate(0x0e, 8, "absent", "x", cas),
                set(0x02, 9, "k", "add with a matching cas stores, as memcached's does", cas)));
        for (int i = 0; i < 6; i++) {
            assertEquals(0x0002, rs.get(i).status(), rs.get(i)::toString);
        }
        assertEquals(0x0001, rs.get(6).status(), "a set with a cas on a missing key: not found");
        assertEquals(0x0005, rs.get(7).status(), "an append with a cas on a missing key: not stored");
        assertEquals(0x0000, rs.get(8).status());
        long next = rs.get(8).cas();
        rs = converse(concat(concatenate(0x0e, 1, "k", "!", next), simple(0x00, 2, "k")));
        assertEquals(0, rs.get(0).status());
        assertEquals("add with a matching cas stores, as memcached's does!", rs.get(1).text());
        rs = converse(request(0x04, 1, new byte[0], "k", new byte[0], rs.get(0).cas()));
        assertEquals(0, rs.get(0).status());
        assertEquals(0, rs.get(0).cas(), "a delete answers with no cas, as memcached's does");
        Map<String, String> stats = stats();
        assertEquals("1", stats.get("cas_hits"));
        assertEquals("3", stats.get("cas_badval"), "set, replace and add with the wrong cas");
        assertEquals("1", stats.get("cas_misses"));
    }

    @Test
    void storageOutcomesAreTheStatusesMemcachedGives() throws IOException {
        List<Response> rs = converse(concat(
                set(0x02, 1, "k", "v", 0), set(0x02, 2, "k", "v", 0),
                set(0x03, 3, "absent", "v", 0), concatenate(0x0e, 4, "absent", "v", 0),
                concatenate(0x0f, 5, "absent", "v", 0), simple(0x04, 6, "absent")));
        assertEquals(List.of(0x0000, 0x0002, 0x0001, 0x0005, 0x0005, 0x0001),
                rs.stream().map(Response::status).toList());
        assertEquals("Not stored.", rs.get(3).text());
    }

    @Test
    void countersAreCreatedOnlyWhenAskedAndHonourTheCas() throws IOException {
        List<Response> rs = converse(concat(
                counter(0x05, 1, "n", 5, 10, -1, 0),       // expiration 0xffffffff: do not create
                counter(0x05, 2, "n", 5, 10, 0, 0),        // created with the initial value, not added to
                counter(0x05, 3, "n", 5, 10, 0, 0),
                counter(0x06, 4, "n", 100, 0, 0, 0),       // decrements stop at zero
                counter(0x05, 5, "n", -1L, 0, 0, 0)));     // the delta is unsigned: 2^64 - 1 wraps to -1
        assertResponse(rs.get(0), 0x05, 0x0001, 1);
        assertEquals(10, rs.get(1).counter());
        assertEquals(15, rs.get(2).counter());
        assertEquals(0, rs.get(3).counter());
        assertEquals(-1L, rs.get(4).counter());
        long cas = rs.get(4).cas();
        rs = converse(concat(counter(0x05, 1, "n", 1, 0, 0, cas + 1), counter(0x05, 2, "n", 1, 0, 0, cas),
                simple(0x00, 3, "n")));
        assertEquals(0x0002, rs.get(0).status(), "a wrong cas");
        assertEquals(0, rs.get(1).counter(), "2^64 - 1 + 1 wraps to 0");
        assertNotEquals(cas, rs.get(1).cas());
        assertEquals("0", rs.get(2).text());
        rs = converse(concat(set(1, "text", "abc"), counter(0x05, 2, "text", 1, 0, 0, 0),
                counter(0x06, 3, "text", 1, 0, 0, converse(simple(0x00, 9, "text")).get(0).cas())));
        assertEquals(0x0006, rs.get(1).status());
        assertEquals("Non-numeric server-side value for incr or decr", rs.get(1).text());
        assertEquals(0x0006, rs.get(2).status(), "with a matching cas too");
        Map<String, String> stats = stats();
        assertEquals("1", stats.get("incr_misses"));
        assertEquals("2", stats.get("decr_hits"), "a non-numeric value counts as a hit, as in the text protocol");
    }

    @Test
    void touchAndGetAndTouchSetTheExpiry() throws IOException {
        converse(set(1, "k", "v"));
        List<Response> rs = converse(concat(withExpiration(0x1c, 1, "k", 10), withExpiration(0x23, 2, "k", 100),
                withExpiration(0x1c, 3, "absent", 10), withExpiration(0x1d, 4, "absent", 10)));
        assertResponse(rs.get(0), 0x1c, 0, 1);
        assertEquals(4, rs.get(0).extras().length);
        assertEquals("", rs.get(0).text(), "touch answers with the flags only");
        assertEquals("k", rs.get(1).key());
        assertEquals("v", rs.get(1).text());
        assertResponse(rs.get(2), 0x1c, 0x0001, 3);
        assertResponse(rs.get(3), 0x1d, 0x0001, 4);
        now.addAndGet(99_000);
        assertEquals(0, converse(simple(0x00, 1, "k")).get(0).status(), "the gat's 100 s replaced the touch's 10 s");
        now.addAndGet(1_000);
        assertEquals(0x0001, converse(simple(0x00, 1, "k")).get(0).status());
        Map<String, String> stats = stats();
        assertEquals("4", stats.get("cmd_touch"));
        assertEquals("2", stats.get("touch_hits"));
        assertEquals("2", stats.get("touch_misses"));
    }

    @Test
    void aFlushWithAnExpirationFlushesThen() throws IOException {
        converse(set(1, "k", "v"));
        byte[] in60s = {0, 0, 0, 60};
        assertEquals(0, converse(request(0x08, 1, in60s, "", new byte[0], 0)).get(0).status());
        assertEquals(0, converse(simple(0x00, 1, "k")).get(0).status());
        now.addAndGet(60_000);
        assertEquals(0x0001, converse(simple(0x00, 1, "k")).get(0).status());
        assertEquals("1", stats().get("cmd_flush"));
    }

    @Test
    void aValueOverTheLimitIsRefusedAndASetOfOneDropsTheOldValue() throws IOException {
        String big = "x".repeat(MAX_ITEM_BYTES + 1);
        List<Response> rs = converse(concat(set(1, "k", "old"), set(0x01, 2, "k", big, 0), simple(0x00, 3, "k"),
                set(4, "a", "kept"), concatenate(0x0e, 5, "a", big, 0), simple(0x00, 6, "a")));
        assertResponse(rs.get(1), 0x01, 0x0003, 2);
        assertEquals("Too large.", rs.get(1).text());
        assertResponse(rs.get(2), 0x00, 0x0001, 3);
        assertResponse(rs.get(4), 0x0e, 0x0003, 5);
        assertEquals("kept", rs.get(5).text());
    }

    @Test
    void statsAnswerOnePacketEachThenAnEmptyOneWithTheTextProtocolsNames() throws IOException {
        byte[] input = concat(set(1, "k", "v"), simple(0x00, 2, "k"), simple(0x00, 3, "absent"), simple(0x10, 4, ""));
        List<Response> rs = converse(input);
        List<Response> stats = rs.subList(3, rs.size());
        Response last = stats.get(stats.size() - 1);
        assertResponse(last, 0x10, 0, 4);
        assertEquals("", last.key());
        assertEquals("", last.text());
        Map<String, String> byName = new HashMap<>();
        for (Response r : stats.subList(0, stats.size() - 1)) {
            assertResponse(r, 0x10, 0, 4);
            byName.put(r.key(), r.text());
        }
        assertEquals("1", byName.get("cmd_set"));
        assertEquals("2", byName.get("cmd_get"));
        assertEquals("1", byName.get("get_hits"));
        assertEquals("1", byName.get("get_misses"));
        assertEquals("1", byName.get("curr_items"));
        assertTrue(byName.get("version").startsWith("1.6.18-speicherd-"), byName::toString);
        assertEquals(String.valueOf(input.length), byName.get("bytes_read"), "this connection's traffic so far");
        int answeredBefore = 3 * 24 + 4 + 1 + 9; // set; get hit (flags, "v"); get miss ("Not found")
        assertEquals(String.valueOf(answeredBefore), byName.get("bytes_written"));

        Map<String, String> settings = stats("settings");
        assertEquals("auto-negotiate", settings.get("binding_protocol"));
        assertEquals(String.valueOf(MAX_ITEM_BYTES), settings.get("item_size_max"));
        assertEquals(Map.of(), stats("reset"), "reset answers with the end packet only");
        assertEquals("0", stats().get("cmd_get"));
        rs = converse(simple(0x10, 1, "detail"));
        assertEquals(1, rs.size());
        assertResponse(rs.get(0), 0x10, 0x0001, 1);
    }

    @Test
    void versionNoOpAndVerbosityAreAnsweredAndUnknownOpcodesRefused() throws IOException {
        List<Response> rs = converse(concat(simple(0x0b, 1, ""), simple(NOOP, 2, ""),
                request(0x1b, 3, new byte[4], "", new byte[0], 0), simple(0x20, 4, ""),
                request(0x21, 5, new byte[0], "PLAIN", utf8("\0u\0p"), 0), simple(0x40, 6, "whatever"),
                simple(NOOP, 7, "")));
        assertTrue(rs.get(0).text().startsWith("1.6.18-speicherd-"), rs.get(0)::toString);
        assertResponse(rs.get(1), NOOP, 0, 2);
        assertResponse(rs.get(2), 0x1b, 0, 3);
        assertResponse(rs.get(3), 0x20, 0x0081, 4);
        assertResponse(rs.get(4), 0x21, 0x0081, 5);
        assertResponse(rs.get(5), 0x40, 0x0081, 6);
        assertEquals("Unknown command", rs.get(5).text());
        assertResponse(rs.get(6), NOOP, 0, 7);
    }

    @Test
    void aMalformedRequestIsAnsweredAndEndsTheConnection() throws IOException {
        byte[] getWithExtras = request(0x00, 2, new byte[4], "k", new byte[0], 0);
        List<Response> rs = converse(concat(simple(NOOP, 1, ""), getWithExtras, simple(NOOP, 3, "")));
        assertEquals(2, rs.size(), rs::toString);
        assertResponse(rs.get(1), 0x00, 0x0004, 2);
        assertEquals("Invalid arguments", rs.get(1).text());
    }

    @Test
    void aBadMagicByteEndsTheConnectionWithoutAWord() throws IOException {
        byte[] notARequest = simple(NOOP, 2, "");
        notARequest[0] = 0x00;
        List<Response> rs = converse(concat(simple(NOOP, 1, ""), notARequest, simple(NOOP, 3, "")));
        assertEquals(1, rs.size(), rs::toString);
        assertResponse(rs.get(0), NOOP, 0, 1);
    }

    @Test
    void quitIsAnsweredUnlessQuietAndEndsTheConnection() throws IOException {
        List<Response> rs = converse(concat(simple(0x07, 1, ""), simple(NOOP, 2, "")));
        assertEquals(1, rs.size());
        assertResponse(rs.get(0), 0x07, 0, 1);
        assertEquals(List.of(), converse(concat(simple(0x17, 1, ""), simple(NOOP, 2, ""))));
    }

    @Test
    void aStoreFailureIsAnsweredAndTheConnectionGoesOn() throws IOException {
        failure.set("log write failed: disk full");
        List<Response> rs = converse(concat(set(1, "k", "v"), simple(0x00, 2, "k"), simple(NOOP, 3, "")));
        assertResponse(rs.get(0), 0x01, 0x0084, 1);
        assertEquals("log write failed: disk full", rs.get(0).text());
        assertResponse(rs.get(1), 0x00, 0x0001, 2);
        assertResponse(rs.get(2), NOOP, 0, 3);
    }

    @Test
    void answersAreFlushedOnlyWhenNoMoreInputIsBuffered() throws IOException {
        byte[] pipeline = concat(simple(NOOP, 1, ""), simple(NOOP, 2, ""), simple(NOOP, 3, ""));
        assertEquals(1, writesFor(new ByteArrayInputStream(pipeline)), "a pipeline read at once, answered at once");
        InputStream oneRequestPerRead = new InputStream() {
            private int next;

            @Override
            public int read() {
                return next < pipeline.length ? pipeline[next++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = Math.min(Math.min(len, 24), pipeline.length - next);
                if (n <= 0) {
                    return -1;
                }
                System.arraycopy(pipeline, next, b, off, n);
                next += n;
                return n;
            }
        };
        assertEquals(3, writesFor(oneRequestPerRead), "each request answered before the next arrives");
    }

    /** How many writes reach the socket for a connection with this input. */
    private int writesFor(InputStream input) throws IOException {
        int[] writes = {0};
        OutputStream socket = new OutputStream() {
            @Override
            public void write(int b) {
                writes[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes[0]++;
            }
        };
        BlockingConnection.serve(new BinaryProtocolHandler(), BlockingConnection.transport(input, socket), context);
        return writes[0];
    }

    private Map<String, String> stats() throws IOException {
        return stats("");
    }

    private Map<String, String> stats(String group) throws IOException {
        Map<String, String> byName = new HashMap<>();
        List<Response> rs = converse(simple(0x10, 1, group));
        for (Response r : rs.subList(0, rs.size() - 1)) {
            byName.put(r.key(), r.text());
        }
        return byName;
    }
}
