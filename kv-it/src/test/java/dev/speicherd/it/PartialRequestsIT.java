package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests that reach the jar's event loops a few bytes at a time, as a slow client or a
 * congested network delivers them, in each protocol: each is answered as if it had come whole.
 * Also an over-limit value arriving in pieces, whose rest is swallowed, a client that pipelines
 * far more answers than it reads for a while, and many connections completing their requests at
 * once while others are reset.
 */
class PartialRequestsIT {

    static final int MAX_ITEM_BYTES = 1024 * 1024;

    @RegisterExtension
    static final SharedServer onEventLoops = new SharedServer("--max-item-size", "1m");

    /** The server under test; a subclass runs the same tests against another. */
    SharedServer server() {
        return onEventLoops;
    }

    @AfterEach
    void stillServing() throws IOException {
        assertTrue(server().isAlive(), server().stderrText());
        try (MemcachedWire w = memcached()) {
            assertEquals("STORED", w.call("set canary 0 0 2\r\nok\r\n"));
            assertEquals("VALUE canary 0 2|ok|END", w.send("get canary\r\n").untilEnd());
        }
    }

    // ---- helpers

    private MemcachedWire memcached() throws IOException {
        MemcachedWire w = new MemcachedWire(server().memcachedPort());
        w.socket.setTcpNoDelay(true);
        return w;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + (i * 7 + seed + (i >>> 9)) % 26);
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code bytes} one at a time, each in its own segment, pausing 1 ms after each. */
    private static void byteByByte(OutputStream out, byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
            pause();
        }
    }

    /**
     * Sends {@code bytes} in pieces: {@code small} pieces of {@code smallBytes} each with a pause
     * after it, then pieces of {@code largeBytes} with a pause after every eighth.
     */
    private static void inPieces(OutputStream out, byte[] bytes, int small, int smallBytes, int largeBytes)
            throws IOException {
        int at = 0;
        for (int i = 0; i < small && at < bytes.length; i++) {
            int n = Math.min(smallBytes, bytes.length - at);
            out.write(bytes, at, n);
            out.flush();
            at += n;
            pause();
        }
        for (int i = 0; at < bytes.length; i++) {
            int n = Math.min(largeBytes, bytes.length - at);
            out.write(bytes, at, n);
            out.flush();
            at += n;
            if (i % 8 == 7) {
                pause();
            }
        }
    }

    /** Reads a reply line; a timeout fails with what was awaited rather than a bare SocketTimeoutException. */
    private static String awaited(MemcachedWire w, String what) throws IOException {
        try {
            return w.line();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + w.socket.getSoTimeout() + " ms: " + what, e);
        }
    }

    /** Reads a memcached value block of {@code length} bytes and its CRLF. */
    private static byte[] block(MemcachedWire w, int length) throws IOException {
        byte[] data = w.in.readNBytes(length);
        assertEquals(length, data.length, "the value block was cut short");
        assertEquals('\r', w.in.read());
        assertEquals('\n', w.in.read());
        return data;
    }

    // ---- memcached text

    @Test
    void aTextSetAndGetOfTwoHundredKibibytesSentInSmallPiecesAreAnsweredAsIfWhole() throws IOException {
        byte[] value = pattern(200 * 1024, 1);
        try (MemcachedWire w = memcached()) {
            byteByByte(w.out, ascii("set dribbled 42 0 " + value.length + "\r\n"));
            inPieces(w.out, value, 10, 7, 4096);
            byteByByte(w.out, ascii("\r"));
            // The end of the set and the start of the get in one segment, the rest byte by byte.
            w.send("\nge");
            byteByByte(w.out, ascii("t dribbled\r\n"));

            assertEquals("STORED", w.line());
            assertEquals("VALUE dribbled 42 " + value.length, w.line());
            assertArrayEquals(value, block(w, value.length));
            assertEquals("END", w.line());

            // The same get, whole, on the same connection.
            assertEquals("VALUE dribbled 42 " + value.length, w.call("get dribbled\r\n"));
            assertArrayEquals(value, block(w, value.length));
            assertEquals("END", w.line());
        }
    }

    @Test
    void manyTextRequestsSplitAcrossSegmentsAtEveryPointAreEachAnsweredOnce() throws IOException {
        StringBuilder pipeline = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            pipeline.append("set s").append(i).append(" ").append(i).append(" 0 ").append(i + 1).append("\r\n")
                    .append("v".repeat(i + 1)).append("\r\n").append("get s").append(i).append("\r\n");
            expected.append("STORED|VALUE s").append(i).append(" ").append(i).append(" ").append(i + 1).append("|")
                    .append("v".repeat(i + 1)).append("|END|");
        }
        byte[] bytes = ascii(pipeline.toString());
        try (MemcachedWire w = memcached()) {
            // Pieces of 1 to 13 bytes: the cuts fall inside command words, numbers, data and CRLFs.
            int at = 0;
            for (int i = 0; at < bytes.length; i++) {
                int n = Math.min(1 + (i * 5) % 13, bytes.length - at);
                w.out.write(bytes, at, n);
                w.out.flush();
                at += n;
                if (i % 3 == 0) {
                    pause();
                }
            }
            StringBuilder got = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                got.append(w.line()).append("|").append(w.line()).append("|").append(w.line()).append("|")
                        .append(w.line()).append("|");
            }
            assertEquals(expected.toString(), got.toString());
            assertTrue(w.call("version\r\n").startsWith("VERSION "));
        }
    }

    @Test
    void aTextValueOverTheItemLimitArrivingInPiecesIsRefusedAndTheConnectionGoesOn() throws IOException {
        byte[] huge = pattern(2 * MAX_ITEM_BYTES, 2);
        try (MemcachedWire w = memcached()) {
            assertEquals("STORED", w.call("set huge 0 0 3\r\nold\r\n"));
            assertEquals("STORED", w.call("set neighbour 5 0 4\r\nnear\r\n"));

            byteByByte(w.out, ascii("set huge 0 0 " + huge.length + "\r\n"));
            inPieces(w.out, huge, 10, 7, 64 * 1024);
            // The end of the swallowed block and the next requests share a segment.
            w.send("\r\nget huge\r\nget neighb");
            byteByByte(w.out, ascii("our\r\n"));

            assertEquals("SERVER_ERROR object too large for cache", w.line());
            assertEquals("END", w.line(), "a failed set drops the old value, as in memcached");
            assertEquals("VALUE neighbour 5 4", w.line());
            assertEquals("near", w.line());
            assertEquals("END", w.line());

            assertEquals("STORED", w.call("set huge 0 0 5\r\nsmall\r\n"));
            assertEquals("VALUE huge 0 5|small|END", w.send("get huge\r\n").untilEnd());
        }
    }

    @Test
    void aTextValueOverTheItemLimitWhoseRestTricklesInIsSwallowedWhole() throws IOException {
        byte[] huge = pattern(MAX_ITEM_BYTES + 1, 3);
        try (MemcachedWire w = memcached()) {
            // All but the last 20 bytes of the block, then those byte by byte, then the next request.
            w.send(concat(ascii("set trickle 0 0 " + huge.length + "\r\n"), Arrays.copyOf(huge, huge.length - 20)));
            byteByByte(w.out, Arrays.copyOfRange(huge, huge.length - 20, huge.length));
            byteByByte(w.out, ascii("\r\n"));
            // When the refusal leaves (before or after the swallowed block) is not what is checked.
            assertEquals("SERVER_ERROR object too large for cache", w.line());
            assertEquals("END", w.call("get trickle\r\n"));
            assertTrue(w.call("version\r\n").startsWith("VERSION "));
        }
    }

    // ---- speicher

    @Test
    void speicherFramesSentByteByByteAreAnsweredAsIfWhole() throws IOException {
        String value = "{\"list\":[1,2.5,\"three\",null,true],\"text\":\"gr\\u00fc\\u00dfe \\\"quoted\\\"\",\"n\":{}}";
        byte[] set = SpeicherWire.frame("{\"command\":\"SET\",\"key\":\"dribbled\",\"value\":" + value + "}");
        byte[] get = SpeicherWire.frame("{\"command\":\"GET\",\"key\":\"dribbled\"}");
        try (SpeicherWire w = new SpeicherWire(server().speicherPort())) {
            w.socket.setTcpNoDelay(true);
            byteByByte(w.out, set);
            JsonObject stored = w.reply();
            assertEquals(200, stored.get("status_code").getAsInt(), stored.toString());

            byteByByte(w.out, get);
            JsonObject reply = w.reply();
            assertEquals(200, reply.get("status_code").getAsInt(), reply.toString());
            assertEquals(JsonParser.parseString(value), reply.get("value"));

            // A SET and a GET in one stream, cut so that each segment holds the end of one and the start of the next.
            byte[] both = concat(SpeicherWire.frame("{\"command\":\"SET\",\"key\":\"pair\",\"value\":[7]}"), get);
            int cut = both.length - get.length;
            w.send(Arrays.copyOf(both, cut - 3));
            pause();
            w.send(Arrays.copyOfRange(both, cut - 3, cut + 2));
            pause();
            byteByByte(w.out, Arrays.copyOfRange(both, cut + 2, both.length));
            assertEquals(200, w.reply().get("status_code").getAsInt());
            assertEquals(JsonParser.parseString(value), w.reply().get("value"));
            JsonObject pair = w.call("{\"command\":\"GET\",\"key\":\"pair\"}");
            assertEquals("[7]", pair.get("value").toString());
        }
    }

    @Test
    void aLargeSpeicherFrameSentInPiecesIsAnsweredAsIfWhole() throws IOException {
        String big = new String(pattern(300 * 1024, 4), StandardCharsets.US_ASCII);
        byte[] set = SpeicherWire.frame("{\"command\":\"SET\",\"key\":\"bigframe\",\"value\":\"" + big + "\"}");
        try (SpeicherWire w = new SpeicherWire(server().speicherPort())) {
            w.socket.setTcpNoDelay(true);
            inPieces(w.out, set, 12, 1, 4096);
            assertEquals(200, w.reply().get("status_code").getAsInt());
            JsonObject reply = w.call("{\"command\":\"GET\",\"key\":\"bigframe\"}");
            assertEquals(big, reply.get("value").getAsString());
        }
    }

    // ---- memcached binary

    /** A binary request with opaque {@code opaque}. */
    private static byte[] binary(int opcode, byte[] extras, byte[] key, byte[] value, int opaque) {
        int body = extras.length + key.length + value.length;
        return ByteBuffer.allocate(24 + body).put((byte) 0x80).put((byte) opcode).putShort((short) key.length)
                .put((byte) extras.length).put((byte) 0).putShort((short) 0).putInt(body).putInt(opaque)
                .putLong(0).put(extras).put(key).put(value).array();
    }

    /** A binary response: its header's fields and its body. */
    private record Response(int magic, int opcode, int keyLength, int extrasLength, int status, int opaque, long cas,
            byte[] body) {
        static Response read(DataInputStream in) throws IOException {
            byte[] header = new byte[24];
            in.readFully(header);
            ByteBuffer h = ByteBuffer.wrap(header);
            int magic = h.get() & 0xFF;
            int opcode = h.get() & 0xFF;
            int keyLength = h.getShort() & 0xFFFF;
            int extrasLength = h.get() & 0xFF;
            h.get(); // data type
            int status = h.getShort() & 0xFFFF;
            int bodyLength = h.getInt();
            int opaque = h.getInt();
            long cas = h.getLong();
            byte[] body = new byte[bodyLength];
            in.readFully(body);
            return new Response(magic, opcode, keyLength, extrasLength, status, opaque, cas, body);
        }
    }

    @Test
    void binarySetAndGetSentInSmallPiecesAreAnsweredAsIfWhole() throws IOException {
        byte[] value = pattern(50_000, 5);
        byte[] extras = ByteBuffer.allocate(8).putInt(0xCAFE).putInt(0).array();
        byte[] set = binary(0x01, extras, ascii("bin-dribbled"), value, 0x11111111);
        byte[] get = binary(0x00, new byte[0], ascii("bin-dribbled"), new byte[0], 0x22222222);
        try (MemcachedWire w = memcached()) {
            DataInputStream in = new DataInputStream(w.in);
            byteByByte(w.out, Arrays.copyOf(set, 24 + 8 + 12)); // the header, extras and key
            inPieces(w.out, Arrays.copyOfRange(set, 24 + 8 + 12, set.length), 10, 7, 4096);
            // The 24-byte header of the get split in three, the last part with nothing after it.
            w.send(Arrays.copyOf(get, 5));
            pause();
            w.send(Arrays.copyOfRange(get, 5, 17));
            pause();
            byteByByte(w.out, Arrays.copyOfRange(get, 17, get.length));

            Response stored = Response.read(in);
            assertEquals(0x81, stored.magic());
            assertEquals(0x01, stored.opcode());
            assertEquals(0, stored.status(), "set succeeded");
            assertEquals(0x11111111, stored.opaque());
            assertEquals(0, stored.body().length);
            assertTrue(stored.cas() != 0);

            Response got = Response.read(in);
            assertEquals(0x81, got.magic());
            assertEquals(0x00, got.opcode());
            assertEquals(0, got.status(), "hit");
            assertEquals(0x22222222, got.opaque());
            assertEquals(stored.cas(), got.cas());
            assertEquals(4, got.extrasLength());
            assertEquals(0, got.keyLength());
            assertEquals(0xCAFE, ByteBuffer.wrap(got.body()).getInt(), "the flags");
            assertArrayEquals(value, Arrays.copyOfRange(got.body(), 4, got.body().length));

            // A noop, whole, on the same connection.
            w.send(binary(0x0a, new byte[0], new byte[0], new byte[0], 0x33333333));
            Response noop = Response.read(in);
            assertEquals(0x0a, noop.opcode());
            assertEquals(0x33333333, noop.opaque());
        }
    }

    @Test
    void aBinaryValueOverTheItemLimitSentInPiecesIsRefusedAndSwallowed() throws IOException {
        byte[] value = pattern(MAX_ITEM_BYTES + 100, 6);
        byte[] set = binary(0x01, new byte[8], ascii("bin-huge"), value, 0x44444444);
        byte[] get = binary(0x00, new byte[0], ascii("bin-huge"), new byte[0], 0x55555555);
        try (MemcachedWire w = memcached()) {
            DataInputStream in = new DataInputStream(w.in);
            byteByByte(w.out, Arrays.copyOf(set, 30));
            inPieces(w.out, concat(Arrays.copyOfRange(set, 30, set.length), Arrays.copyOf(get, 7)), 5, 7, 32 * 1024);
            byteByByte(w.out, Arrays.copyOfRange(get, 7, get.length));

            Response refused = Response.read(in);
            assertEquals(0x01, refused.opcode());
            assertEquals(0x0003, refused.status(), "value too large");
            assertEquals(0x44444444, refused.opaque());
            Response miss = Response.read(in);
            assertEquals(0x00, miss.opcode());
            assertEquals(0x0001, miss.status(), "not found");
            assertEquals(0x55555555, miss.opaque());
        }
    }

    // ---- backpressure

    @Test
    void aClientThatPipelinesFarMoreAnswersThanItReadsGetsEveryOneWhole() throws IOException, InterruptedException {
        int size = 512 * 1024;
        int gets = 400;
        byte[] value = pattern(size, 7);
        try (MemcachedWire w = memcached()) {
            w.send(concat(ascii("set bp 3 0 " + size + "\r\n"), value, ascii("\r\n")));
            assertEquals("STORED", w.line());

            w.send(ascii("get bp\r\n".repeat(gets)));
            Thread.sleep(1000); // the server fills the socket and must hold back, not buffer 200 MiB

            for (int i = 0; i < gets; i++) {
                assertEquals("VALUE bp 3 " + size, awaited(w, "reply " + i + " of " + gets), "reply " + i);
                byte[] data = block(w, size);
                if (!Arrays.equals(value, data)) {
                    throw new AssertionError("reply " + i + " differs from the value");
                }
                assertEquals("END", w.line(), "reply " + i);
            }
            assertEquals(0, w.in.available(), "nothing after the 400 replies");
            assertTrue(w.call("version\r\n").startsWith("VERSION "));
        }
    }

    @Test
    void twoPipelinedGetsOfAValueLargerThanTheHighWaterMarkAreBothAnswered() throws IOException {
        int size = 512 * 1024;
        byte[] value = pattern(size, 8);
        try (MemcachedWire w = memcached()) {
            w.send(concat(ascii("set hw 0 0 " + size + "\r\n"), value, ascii("\r\n")));
            assertEquals("STORED", w.line());
            w.socket.setSoTimeout(5000);
            for (int round = 0; round < 20; round++) {
                w.send("get hw\r\nget hw\r\n");
                for (int i = 0; i < 2; i++) {
                    String what = "round " + round + ", reply " + i + " of 2";
                    assertEquals("VALUE hw 0 " + size, awaited(w, what), what);
                    assertArrayEquals(value, block(w, size));
                    assertEquals("END", w.line());
                }
            }
        }
    }

    @Test
    void aPipelineOfSmallGetsWhoseAnswersPassTheHighWaterMarkIsAnsweredWhole() throws IOException {
        int size = 4096;
        int gets = 70; // 70 answers of some 4 KiB: past the 256 KiB at which a connection holds back
        byte[] value = pattern(size, 9);
        try (MemcachedWire w = memcached()) {
            w.send(concat(ascii("set small 0 0 " + size + "\r\n"), value, ascii("\r\n")));
            assertEquals("STORED", w.line());
            w.socket.setSoTimeout(5000);
            w.send("get small\r\n".repeat(gets));
            for (int i = 0; i < gets; i++) {
                assertEquals("VALUE small 0 " + size, awaited(w, "reply " + i + " of " + gets), "reply " + i);
                assertArrayEquals(value, block(w, size));
                assertEquals("END", w.line());
            }
        }
    }

    @Test
    void connectionsWhoseRequestsCompleteTogetherAreAllAnsweredWhileOthersAreCutOff() throws IOException {
        // Every connection sends all of its requests but the last byte, so the server holds them
        // half read; then the last bytes go out back to back, with resets from other clients in
        // between, so that one turn of a loop finds many connections ready, some of them broken
        // (an instrumented build saw turns of 25 ready connections, 5 of them reset). A loop
        // whose send pass stopped at a closed connection failed this test.
        int healthy = 40;
        List<MemcachedWire> clients = new ArrayList<>();
        List<MemcachedWire> cutOff = new ArrayList<>();
        try {
            for (int i = 0; i < healthy; i++) {
                clients.add(memcached());
                if (i % 4 == 0) {
                    cutOff.add(memcached());
                }
            }
            for (int i = 0; i < healthy; i++) {
                String requests = "set together" + i + " 0 0 3\r\n" + "v%02d".formatted(i) + "\r\nget together" + i + "\r\n";
                clients.get(i).send(requests.substring(0, requests.length() - 1));
            }
            for (MemcachedWire c : cutOff) {
                c.send("get together0");
                c.socket.setSoLinger(true, 0); // close with a reset, mid-request
            }
            pause();
            for (int i = 0; i < healthy; i++) {
                clients.get(i).send("\n");
                if (i % 4 == 0) {
                    cutOff.get(i / 4).close();
                }
            }
            for (int i = 0; i < healthy; i++) {
                MemcachedWire c = clients.get(i);
                assertEquals("STORED", c.line(), "client " + i);
                assertEquals("VALUE together" + i + " 0 3|" + "v%02d".formatted(i) + "|END", c.untilEnd(), "client " + i);
            }
        } finally {
            for (MemcachedWire c : clients) {
                c.close();
            }
            for (MemcachedWire c : cutOff) {
                c.close();
            }
        }
    }
}
