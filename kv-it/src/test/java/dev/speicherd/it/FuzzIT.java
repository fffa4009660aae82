package dev.speicherd.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random input at both ports of the jar: requests of each protocol (memcached text and
 * meta, memcached binary, speicher frames) with their bytes flipped, cut, repeated or spliced and
 * their numbers made huge or negative, and plain noise. Whatever a connection sends, the server
 * is done with it soon after the client's input ends (it answers or refuses what came, then
 * closes), keeps no connection and no client memory for it, logs no bug, and serves others
 * throughout; on the memory engine, and on the log engine syncing every change, whose log then
 * replays. A failure names the case and its input; {@code -Dfuzz.seed=N} runs other inputs,
 * {@code -Dfuzz.cases=N} more of them.
 */
class FuzzIT {

    static final long SEED = Long.getLong("fuzz.seed", 20261129L);
    static final int CASES = Integer.getInteger("fuzz.cases", 600);
    /** How long the server may take to finish with a connection once its client's input ended. */
    static final int FINISH_MILLIS = 10_000;
    /** What a case reads at most before it stops reading (an answer to many repeated gets). */
    static final int MAX_ANSWER_BYTES = 16 << 20;

    private static final Corpus MEMCACHED = new Corpus("memcached", false, List.of(
            text("set k 0 0 5\r\nhello\r\n"), text("get k\r\n"), text("gets k k2 k3\r\n"),
            text("add a 1 60 3\r\nabc\r\n"), text("replace k 2 0 1\r\nx\r\n"), text("append k 0 0 2\r\nxy\r\n"),
            text("prepend k 0 0 2\r\nxy\r\n"), text("cas k 0 0 1 99\r\nx\r\n"), text("incr n 5\r\n"),
            text("decr n 3\r\n"), text("delete k\r\n"), text("touch k 10\r\n"), text("gat 10 k\r\n"),
            text("gats 0 k a\r\n"), text("mg k v f t c k s\r\n"), text("ms k 2 T60 F3\r\nhi\r\n"),
            text("md k q\r\n"), text("ma n N0 J13 D5\r\n"), text("mn\r\n"), text("me k\r\n"),
            text("stats\r\n"), text("stats items\r\n"), text("version\r\n"), text("verbosity 1\r\n"),
            text("set n 0 0 2 noreply\r\n10\r\n"), text("get " + "k ".repeat(40) + "\r\n")));

    private static final Corpus BINARY = new Corpus("binary", false, List.of(
            binary(0x00, new byte[0], text("k"), new byte[0]), // get
            binary(0x01, new byte[8], text("k"), text("hello")), // set, flags and expiry 0
            binary(0x05, new byte[20], text("n"), new byte[0]), // increment
            binary(0x04, new byte[0], text("k"), new byte[0]), // delete
            binary(0x0a, new byte[0], new byte[0], new byte[0]), // noop
            binary(0x10, new byte[0], new byte[0], new byte[0]))); // stat

    private static final Corpus SPEICHER = new Corpus("speicher", true, List.of(
            frame("{\"command\":\"SET\",\"key\":\"k\",\"value\":{\"a\":[1,2.5,\"x\",null,true]}}"),
            frame("{\"command\":\"GET\",\"key\":\"k\"}"), frame("{\"command\":\"DEL\",\"key\":\"k\"}"),
            frame("{\"command\":\"SET\",\"key\":\"\\u00e4\\ud83d\\ude00\",\"value\":\"" + "v".repeat(300) + "\"}"),
            frame("{\"command\":\"GET\",\"key\":\"absent\"}")));

    /** Requests of one protocol, and whether they go to the speicher port or the memcached one. */
    private record Corpus(String kind, boolean speicher, List<byte[]> requests) {}

    private static byte[] text(String s) {
        return s.getBytes(US_ASCII);
    }

    private static byte[] binary(int opcode, byte[] extras, byte[] key, byte[] value) {
        int body = extras.length + key.length + value.length;
        return ByteBuffer.allocate(24 + body).put((byte) 0x80).put((byte) opcode).putShort((short) key.length)
                .put((byte) extras.length).put((byte) 0).putShort((short) 0).putInt(body).putInt(7).putLong(0)
                .put(extras).put(key).put(value).array();
    }

    private static byte[] frame(String json) {
        byte[] body = json.getBytes(UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** One case: where it goes and what it sends. */
    private record Case(int number, String kind, int port, byte[] input) {
        String describe() {
            String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, 512));
            return "case " + number + " (" + kind + ", seed " + SEED + ", " + input.length + " bytes): " + hex;
        }
    }

    private static Case generate(int number, Random random, ServerProcess server) {
        int choice = random.nextInt(10);
        if (choice == 0) {
            byte[] noise = new byte[random.nextInt(2048)];
            random.nextBytes(noise);
            boolean speicher = random.nextBoolean();
            return new Case(number, "noise", speicher ? server.speicherPort : server.memcachedPort, noise);
        }
        Corpus corpus = choice <= 5 ? MEMCACHED : choice <= 7 ? BINARY : SPEICHER;
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            input.writeBytes(corpus.requests().get(random.nextInt(corpus.requests().size())));
        }
        byte[] bytes = input.toByteArray();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            bytes = mutate(bytes, random);
        }
        return new Case(number, corpus.kind(), corpus.speicher() ? server.speicherPort : server.memcachedPort, bytes);
    }

    /** One change: a byte flipped, inserted or dropped, a run cut or repeated, a number replaced, the end cut. */
    static byte[] mutate(byte[] in, Random random) {
        if (in.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        int at = random.nextInt(in.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(7)) {
            case 0 -> { // flip a byte
                byte[] copy = in.clone();
                copy[at] ^= (byte) (1 << random.nextInt(8));
                return copy;
            }
            case 1 -> { // insert a byte
                out.write(in, 0, at);
                out.write(random.nextInt(256));
                out.write(in, at, in.length - at);
            }
            case 2 -> { // drop a run
                int len = 1 + random.nextInt(Math.min(16, in.length - at));
                out.write(in, 0, at);
                out.write(in, at + len, in.length - at - len);
            }
            case 3 -> { // repeat a run
                int len = 1 + random.nextInt(Math.min(64, in.length - at));
                out.write(in, 0, at + len);
                for (int i = random.nextInt(50); i >= 0; i--) {
                    out.write(in, at, len);
                }
                out.write(in, at + len, in.length - at - len);
            }
            case 4 -> { // replace the number at or after `at` with an extreme one
                int start = at;
                while (start < in.length && (in[start] < '0' || in[start] > '9')) {
                    start++;
                }
                int end = start;
                while (end < in.length && in[end] >= '0' && in[end] <= '9') {
                    end++;
                }
                String[] extremes = {"0", "-1", "4294967295", "4294967296", "18446744073709551615",
                    "18446744073709551616", "99999999999999999999999", "2147483647", "-2147483648"};
                out.write(in, 0, start);
                out.writeBytes(text(extremes[random.nextInt(extremes.length)]));
                out.write(in, end, in.length - end);
            }
            case 5 -> { // a 4-byte big-endian int where a length may be
                byte[] copy = in.clone();
                int value = random.nextBoolean() ? random.nextInt() : random.nextInt(1 << 21);
                for (int i = 0; i < 4 && at + i < copy.length; i++) {
                    copy[at + i] = (byte) (value >>> (24 - 8 * i));
                }
                return copy;
            }
            default -> out.write(in, 0, at); // cut the end
        }
        return out.toByteArray();
    }

    /**
     * Sends the case, ends the input, and reads until the server closes; fails when it does not
     * within {@link #FINISH_MILLIS}. A reset counts as closed: the server may close on input it
     * refuses before it has read the rest.
     *
     * @return the bytes answered
     */
    private static long run(Case c) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), c.port())) {
            s.setSoTimeout(FINISH_MILLIS);
            try {
                s.getOutputStream().write(c.input());
                s.shutdownOutput();
            } catch (IOException closedEarly) {
                return 0; // the server refused what came first and closed before the rest was sent
            }
            InputStream in = s.getInputStream();
            byte[] chunk = new byte[64 * 1024];
            long read = 0;
            try {
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    read += n;
                    if (read > MAX_ANSWER_BYTES) {
                        return read; // answered at length; what ends it then is our close
                    }
                }
            } catch (SocketTimeoutException e) {
                fail("the server was not done " + FINISH_MILLIS + " ms after the input ended, " + read
                        + " bytes answered; " + c.describe());
            } catch (IOException reset) {
                // closed without reading all: a reset
            }
            return read;
        }
    }

    /** On the memory engine, and on the log engine under {@code fsync always}, whose loops sync before they answer. */
    @ParameterizedTest
    @ValueSource(strings = {"memory", "log"})
    void randomAndMutatedInputEndsEveryConnectionAndHarmsNoOne(String engine, @TempDir Path data) throws Exception {
        boolean log = engine.equals("log");
        String[] flags = log ? new String[] {"--engine", "log", "--fsync", "always", "--data-dir", data.toString()}
                : new String[0];
        try (ServerProcess server = ServerProcess.start(flags)) {
            fuzz(server);
            assertEquals(0, server.terminate(), server.stderrText());
        }
        if (log) { // the log the fuzzed clients wrote replays, up to the canaries written last
            try (ServerProcess again = ServerProcess.start(flags);
                    MemcachedWire w = new MemcachedWire(again.memcachedPort)) {
                assertEquals("VALUE canary 0 2|ok|END", w.send("get canary\r\n").untilEnd(), again.stderrText());
                try (SpeicherWire speicher = new SpeicherWire(again.speicherPort)) {
                    assertEquals("[1]", speicher.call("{\"command\":\"GET\",\"key\":\"canary2\"}").get("value").toString());
                }
                assertFalse(again.stderrText().contains("bug:"), again.stderrText());
            }
        }
    }

    private static void fuzz(ServerProcess server) throws Exception {
        Random random = new Random(SEED);
        Map<String, Integer> kinds = new HashMap<>();
        int answered = 0;
        for (int i = 0; i < CASES; i++) {
            Case c = generate(i, random, server);
            kinds.merge(c.kind(), 1, Integer::sum);
            if (run(c) > 0) {
                answered++;
            }
            assertTrue(server.isAlive(), "the server exited after " + c.describe() + "\n" + server.stderrText());
            if (i % 50 == 49) {
                othersAreServed(server);
            }
        }
        for (String kind : List.of("noise", "memcached", "binary", "speicher")) {
            assertTrue(kinds.getOrDefault(kind, 0) >= CASES / 20, "cases of each kind: " + kinds);
        }
        assertTrue(answered >= CASES / 2, "only " + answered + " of " + CASES + " cases got an answer");
        othersAreServed(server);
        try (MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
            long deadline = System.nanoTime() + FINISH_MILLIS * 1_000_000L;
            while (w.stat("curr_connections") > 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, w.stat("curr_connections"), "connections left open");
            assertEquals(0, w.stat("client_memory"), "client memory kept");
        }
        String log = server.stderrText();
        assertFalse(log.contains("bug:") || log.contains("OutOfMemoryError"), log);
    }

    private static void othersAreServed(ServerProcess server) throws IOException {
        try (MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
            assertEquals("STORED", w.call("set canary 0 0 2\r\nok\r\n"));
            assertEquals("VALUE canary 0 2|ok|END", w.send("get canary\r\n").untilEnd());
        }
        try (SpeicherWire w = new SpeicherWire(server.speicherPort)) {
            assertEquals(200, w.call("{\"command\":\"SET\",\"key\":\"canary2\",\"value\":[1]}")
                    .get("status_code").getAsInt());
            assertEquals("[1]", w.call("{\"command\":\"GET\",\"key\":\"canary2\"}").get("value").toString());
        }
    }
}
