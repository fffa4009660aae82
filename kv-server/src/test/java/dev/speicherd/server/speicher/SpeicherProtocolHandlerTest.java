package dev.speicherd.server.speicher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.storage.MemoryStore;
import dev.speicherd.server.BlockingConnection;
import dev.speicherd.server.ServerConfig;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.ServerStats;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpeicherProtocolHandlerTest {

    private static final int MAX_ITEM_BYTES = 100;
    private static final long NOW = 1_700_000_000_000L;

    private final FailableStore store = new FailableStore(new MemoryStore(() -> NOW, 0));
    private final ServerContext context = new ServerContext(store, () -> NOW, config(), new ServerStats(NOW));

    private static ServerConfig config() {
        return new ServerConfig(14567, 11211, InetAddress.getLoopbackAddress(), ServerConfig.Engine.MEMORY,
                Path.of("data"), ServerConfig.Fsync.EVERYSEC, 64L << 20, 2, 0, MAX_ITEM_BYTES, 16, 64L << 20, Duration.ZERO, 1,
                ServerConfig.Io.NIO, 0);
    }

    private static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] wire(String... jsons) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String json : jsons) {
            out.writeBytes(frame(json));
        }
        return out.toByteArray();
    }

    /** The reply frames in {@code bytes}, each parsed; fails on a stray byte. */
    private static List<JsonObject> replies(byte[] bytes) {
        List<JsonObject> replies = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            byte[] body = new byte[buffer.getInt()];
            buffer.get(body);
            replies.add(JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject());
        }
        return replies;
    }

    /** Serves {@code input} as one connection and returns the reply frames as text. */
    private List<String> converse(byte[] input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BlockingConnection.serve(new SpeicherProtocolHandler(), BlockingConnection.transport(new ByteArrayInputStream(input), out), context);
        return replies(out.toByteArray()).stream().map(JsonObject::toString).toList();
    }

    @Test
    void setGetDeleteReset() throws IOException {
        List<String> replies = converse(wire(
                "{\"command\":\"SET\",\"key\":\"foo\",\"value\":\"bar\"}",
                "{\"command\":\"GET\",\"key\":\"foo\"}",
                "{\"command\":\"DEL\",\"key\":\"foo\"}",
                "{\"command\":\"DEL\",\"key\":\"foo\"}",
                "{\"command\":\"GET\",\"key\":\"foo\"}",
                "{\"command\":\"SET\",\"key\":\"a\",\"value\":1}",
                "{\"command\":\"RST\"}",
                "{\"command\":\"GET\",\"key\":\"a\"}"));
        assertEquals(List.of(
                "{\"status_code\":200}",
                "{\"status_code\":200,\"value\":\"bar\"}",
                "{\"status_code\":200}",
                "{\"status_code\":404}",
                "{\"status_code\":404}",
                "{\"status_code\":200}",
                "{\"status_code\":200}",
                "{\"status_code\":404}"), replies);
    }

    @Test
    void aSetStoresTheJsonTextWithNoFlagsAndNoExpiry() throws IOException {
        converse(wire("{\"command\":\"SET\",\"key\":\"k\",\"value\":{\"n\": 1e+100, \"s\": \"\\ud83d\\ude00\"}}"));
        Item item = ((Lookup.Hit) store.get("k".getBytes(StandardCharsets.UTF_8))).item();
        assertArrayEquals("{\"n\":1e+100,\"s\":\"\uD83D\uDE00\"}".getBytes(StandardCharsets.UTF_8), item.value());
        assertEquals(0, item.flags());
        assertEquals(Item.NEVER, item.expiresAt());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // bytes a memcached client stored | the value a speicher GET answers
        "42                                | 42",
        "{\"x\": [true]}                   | {\"x\": [true]}",
        "hello                             | \"hello\"",
        "``                                | \"\"",
    })
    void itemsWrittenOverMemcachedReadAsJson(String stored, String value) throws IOException {
        store.set("m".getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8), 7, Item.NEVER);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BlockingConnection.serve(new SpeicherProtocolHandler(), BlockingConnection.transport(new ByteArrayInputStream(
                wire("{\"command\":\"GET\",\"key\":\"m\"}")), out), context);
        byte[] reply = out.toByteArray();
        assertEquals("{\"status_code\":200,\"value\":" + value + "}",
                new String(reply, 4, reply.length - 4, StandardCharsets.UTF_8));
    }

    @Test
    void aWrongRequestGetsA400AndTheConnectionGoesOn() throws IOException {
        List<String> replies = converse(wire(
                "{\"command\":\"get\",\"key\":\"k\"}",
                "not json",
                "{\"command\":\"SET\",\"key\":\"k\"}",
                "{\"command\":\"GET\",\"key\":\"k\"}"));
        assertEquals(List.of(
                "{\"status_code\":400,\"error\":\"unknown command \\\"get\\\"\"}",
                "{\"status_code\":400,\"error\":\"request is not valid JSON (error at byte 1)\"}",
                "{\"status_code\":400,\"error\":\"SET request has no \\\"value\\\"\"}",
                "{\"status_code\":404}"), replies);
    }

    @Test
    void aNegativeLengthGetsA400AndEndsTheConnection() throws IOException {
        byte[] input = ByteBuffer.allocate(4 + 100).putInt(-5).put(wire("{\"command\":\"RST\"}")).array();
        assertEquals(List.of("{\"status_code\":400,\"error\":\"negative frame length -5\"}"), converse(input));
    }

    @Test
    void aLengthAboveTheFrameLimitGetsA400AndEndsTheConnection() throws IOException {
        int limit = config().maxFrameBytes();
        byte[] input = ByteBuffer.allocate(4 + 100).putInt(limit + 1).array();
        assertEquals(List.of("{\"status_code\":400,\"error\":\"frame of " + (limit + 1)
                + " bytes exceeds the limit of " + limit + "\"}"), converse(input));
    }

    @Test
    void aValueAboveTheItemLimitGetsA400AndIsNotStored() throws IOException {
        String fits = "\"" + "v".repeat(MAX_ITEM_BYTES - 2) + "\"";
        String tooBig = "\"" + "v".repeat(MAX_ITEM_BYTES - 1) + "\"";
        List<String> replies = converse(wire(
                "{\"command\":\"SET\",\"key\":\"fits\",\"value\":" + fits + "}",
                "{\"command\":\"SET\",\"key\":\"big\",\"value\":" + tooBig + "}",
                "{\"command\":\"GET\",\"key\":\"big\"}"));
        assertEquals(List.of(
                "{\"status_code\":200}",
                "{\"status_code\":400,\"error\":\"value of 101 bytes exceeds the item size limit of 100\"}",
                "{\"status_code\":404}"), replies);
    }

    @Test
    void aStoreFailureGetsA503AndTheConnectionGoesOn() throws IOException {
        store.failure = "log cannot be written: disk full";
        List<String> replies = converse(wire(
                "{\"command\":\"SET\",\"key\":\"k\",\"value\":1}",
                "{\"command\":\"DEL\",\"key\":\"k\"}",
                "{\"command\":\"RST\"}",
                "{\"command\":\"GET\",\"key\":\"k\"}"));
        String unavailable = "{\"status_code\":503,\"error\":\"log cannot be written: disk full\"}";
        assertEquals(List.of(unavailable, unavailable, unavailable, "{\"status_code\":404}"), replies);
    }

    @Test
    void aClientThatHangsUpMidFrameStillGetsTheAnswersItWasOwed() {
        byte[] whole = wire("{\"command\":\"SET\",\"key\":\"k\",\"value\":1}");
        byte[] cut = frame("{\"command\":\"GET\",\"key\":\"k\"}");
        byte[] input = ByteBuffer.allocate(whole.length + 10).put(whole).put(cut, 0, 10).array();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThrows(EOFException.class, () -> BlockingConnection.serve(new SpeicherProtocolHandler(),
                BlockingConnection.transport(new ByteArrayInputStream(input), out), context));
        assertEquals(List.of("{\"status_code\":200}"), replies(out.toByteArray()).stream().map(JsonObject::toString).toList());
    }

    @Test
    void countsLikeMemcached() throws IOException {
        byte[] input = wire(
                "{\"command\":\"SET\",\"key\":\"k\",\"value\":1}",
                "{\"command\":\"GET\",\"key\":\"k\"}",
                "{\"command\":\"GET\",\"key\":\"nope\"}",
                "{\"command\":\"DEL\",\"key\":\"k\"}",
                "{\"command\":\"DEL\",\"key\":\"k\"}",
                "{\"command\":\"RST\"}",
                "{\"command\":\"FOO\"}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BlockingConnection.serve(new SpeicherProtocolHandler(), BlockingConnection.transport(new ByteArrayInputStream(input), out), context);
        ServerStats stats = context.stats();
        assertEquals(7, stats.sum(c -> c.speicherRequests));
        assertEquals(1, stats.sum(c -> c.cmdSet));
        assertEquals(2, stats.sum(c -> c.cmdGet));
        assertEquals(1, stats.sum(c -> c.getHits));
        assertEquals(1, stats.sum(c -> c.getMisses));
        assertEquals(1, stats.sum(c -> c.deleteHits));
        assertEquals(1, stats.sum(c -> c.deleteMisses));
        assertEquals(1, stats.sum(c -> c.cmdFlush));
        assertEquals(input.length, stats.sum(c -> c.bytesRead));
        assertEquals(out.size(), stats.sum(c -> c.bytesWritten));
    }

    @Test
    void aPipelinedBatchIsAnsweredInOneWrite() throws IOException {
        List<Integer> writes = new ArrayList<>();
        OutputStream raw = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(len);
            }
        };
        byte[] batch = wire(
                "{\"command\":\"SET\",\"key\":\"k\",\"value\":1}",
                "{\"command\":\"GET\",\"key\":\"k\"}",
                "{\"command\":\"DEL\",\"key\":\"k\"}");
        BlockingConnection.serve(new SpeicherProtocolHandler(), BlockingConnection.transport(new ByteArrayInputStream(batch), raw), context);
        assertEquals(1, writes.size(), writes.toString());
    }

    @Test
    void overASocketALoneRequestIsAnsweredAtOnceAndAPipelineInOrder() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket connection = listener.accept()) {
                    BlockingConnection.serve(new SpeicherProtocolHandler(),
                            BlockingConnection.transport(connection.getInputStream(), connection.getOutputStream()), context);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, command -> Thread.ofVirtual().start(command));
            try (Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
                client.setSoTimeout(5_000);
                OutputStream out = client.getOutputStream();
                DataInputStream in = new DataInputStream(client.getInputStream());
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                    out.write(frame("{\"command\":\"SET\",\"key\":\"n\",\"value\":0}"));
                    assertEquals("{\"status_code\":200}", readReply(in));
                    int count = 200;
                    ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
                    for (int i = 0; i < count; i++) {
                        pipeline.writeBytes(frame("{\"command\":\"SET\",\"key\":\"n\",\"value\":" + i + "}"));
                        pipeline.writeBytes(frame("{\"command\":\"GET\",\"key\":\"n\"}"));
                    }
                    out.write(pipeline.toByteArray());
                    for (int i = 0; i < count; i++) {
                        assertEquals("{\"status_code\":200}", readReply(in));
                        assertEquals("{\"status_code\":200,\"value\":" + i + "}", readReply(in));
                    }
                });
                client.shutdownOutput();
                assertEquals(-1, in.read(), "nothing after the last answer");
            }
            served.get(5, TimeUnit.SECONDS);
        }
    }

    private static String readReply(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void replyBytesAreTheDocumentedFrames() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BlockingConnection.serve(new SpeicherProtocolHandler(), BlockingConnection.transport(new ByteArrayInputStream(
                wire("{\"command\":\"RST\"}")), out), context);
        assertArrayEquals(frame("{\"status_code\":200}"), out.toByteArray());
        assertTrue(Arrays.equals(new byte[] {0, 0, 0, 19}, Arrays.copyOf(out.toByteArray(), 4)));
    }
}
