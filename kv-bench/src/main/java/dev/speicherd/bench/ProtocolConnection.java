package dev.speicherd.bench;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One client connection speaking one protocol: requests are buffered until {@link #flush()}, so
 * a pipeline leaves in one write, and replies are read back in the order sent and checked
 * against the {@link KeySpace}.
 *
 * <p>A reply that is wrong but leaves the stream in step (a miss, a wrong value, an error line
 * or frame) is returned as a description. One after which the next reply cannot be found throws
 * {@link ReplyInput.OutOfStep} or another {@link IOException}; the connection is then useless.
 *
 * <p>Not thread-safe: one per client thread.
 */
abstract sealed class ProtocolConnection implements Closeable
        permits ProtocolConnection.Memcached, ProtocolConnection.Speicher {

    /** The wire protocols. */
    enum Protocol { MEMCACHED, SPEICHER }

    /** How much of a wrong reply an error message repeats. */
    private static final int MAX_ECHOED_BYTES = 80;
    private static final byte[] CRLF = ascii("\r\n");

    final KeySpace keys;
    private final Closeable transport;
    final ReplyInput in;
    final BufferedOutputStream out;
    /** Room for one value, or one whole request. */
    byte[] scratch;

    private ProtocolConnection(KeySpace keys, InputStream in, OutputStream out, Closeable transport) {
        this.keys = keys;
        this.transport = transport;
        this.in = new ReplyInput(in);
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.scratch = new byte[keys.valueBytes() + 512];
    }

    /** Opens a blocking connection to a server, whose reads time out after {@code timeoutMillis}. */
    static ProtocolConnection open(Protocol protocol, KeySpace keys, String host, int port, int timeoutMillis)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            return over(protocol, keys, socket.getInputStream(), socket.getOutputStream(), socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * A connection over given streams, which {@link #close()} closes through {@code transport}:
     * for {@link ScheduledLoad}, whose streams read and write a non-blocking channel.
     */
    static ProtocolConnection over(Protocol protocol, KeySpace keys, InputStream in, OutputStream out,
            Closeable transport) {
        return switch (protocol) {
            case MEMCACHED -> new Memcached(keys, in, out, transport);
            case SPEICHER -> new Speicher(keys, in, out, transport);
        };
    }

    /** Buffers a request for key {@code key}'s value. */
    abstract void sendGet(int key) throws IOException;

    /** Buffers a request to store key {@code key}'s value. */
    abstract void sendSet(int key) throws IOException;

    /**
     * Reads the reply to {@link #sendGet}.
     *
     * @return null when it holds exactly key {@code key}'s value, else what was wrong
     */
    abstract String readGet(int key) throws IOException;

    /**
     * Reads the reply to {@link #sendSet}.
     *
     * @return null when it says stored, else what was wrong
     */
    abstract String readSet(int key) throws IOException;

    /** Sends what is buffered. */
    final void flush() throws IOException {
        out.flush();
    }

    /** Sends a batch, key {@code keys[i]} read if {@code isGet[i]}, else stored, in one write. */
    final void sendBatch(int[] keys, boolean[] isGet) throws IOException {
        for (int i = 0; i < keys.length; i++) {
            if (isGet[i]) {
                sendGet(keys[i]);
            } else {
                sendSet(keys[i]);
            }
        }
        flush();
    }

    /** Reads the reply to a {@link #sendGet} or, if not {@code get}, a {@link #sendSet} of {@code key}. */
    final String read(int key, boolean get) throws IOException {
        return get ? readGet(key) : readSet(key);
    }

    @Override
    public final void close() throws IOException {
        transport.close();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code buf[from, to)} is {@code expected}. */
    static boolean is(byte[] buf, int from, int to, byte[] expected) {
        return to - from == expected.length && java.util.Arrays.equals(buf, from, to, expected, 0, expected.length);
    }

    /** Whether {@code buf[from, to)} starts with {@code prefix}. */
    static boolean startsWith(byte[] buf, int from, int to, byte[] prefix) {
        return to - from >= prefix.length && java.util.Arrays.equals(buf, from, from + prefix.length, prefix, 0, prefix.length);
    }

    /** Bytes of a reply, printable and shortened, for an error message. */
    static String echo(byte[] buf, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int p = from; p < Math.min(to, from + MAX_ECHOED_BYTES); p++) {
            int b = buf[p] & 0xFF;
            s.append(b >= 0x20 && b < 0x7F ? Character.toString(b) : String.format("\\x%02x", b));
        }
        return to - from > MAX_ECHOED_BYTES ? s + "..." : s.toString();
    }

    /** Writes the decimal digits of a non-negative int at {@code to[at]}; returns the end. */
    static int putDecimal(byte[] to, int at, int value) {
        int digits = 1;
        for (int rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        int rest = value;
        for (int i = at + digits - 1; i >= at; i--) {
            to[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return at + digits;
    }

    /** The memcached text protocol: {@code get <key>} and {@code set <key> 0 0 <bytes>}. */
    static final class Memcached extends ProtocolConnection {

        private static final byte[] GET = ascii("get ");
        private static final byte[] SET = ascii("set ");
        private static final byte[] VALUE = ascii("VALUE ");
        private static final byte[] END = ascii("END");
        private static final byte[] STORED = ascii("STORED");
        /** Replies that end a request in one line, so the stream stays in step. */
        private static final byte[][] ERROR_LINES = {ascii("ERROR"), ascii("CLIENT_ERROR"), ascii("SERVER_ERROR")};

        /** {@code " 0 0 <bytes>\r\n"}: a set's flags, exptime and length. */
        private final byte[] setTail;
        /** {@code " 0 <bytes>"}: what follows the key in a right VALUE line. */
        private final byte[] valueTail;

        Memcached(KeySpace keys, InputStream in, OutputStream out, Closeable transport) {
            super(keys, in, out, transport);
            setTail = ascii(" 0 0 " + keys.valueBytes() + "\r\n");
            valueTail = ascii(" 0 " + keys.valueBytes());
        }

        @Override
        void sendGet(int key) throws IOException {
            out.write(GET);
            out.write(keys.key(key));
            out.write(CRLF);
        }

        @Override
        void sendSet(int key) throws IOException {
            out.write(SET);
            out.write(keys.key(key));
            out.write(setTail);
            keys.value(key, scratch, 0);
            out.write(scratch, 0, keys.valueBytes());
            out.write(CRLF);
        }

        @Override
        String readGet(int key) throws IOException {
            int start = in.readLine();
            int end = in.lineEnd();
            byte[] buf = in.buffer();
            if (is(buf, start, end, END)) {
                return "get: a miss (END without VALUE) for a preloaded key";
            }
            if (!startsWith(buf, start, end, VALUE)) {
                return errorLine("get", buf, start, end);
            }
            String wrong = null;
            byte[] k = keys.key(key);
            int keyEnd = start + VALUE.length + k.length;
            int length;
            if (keyEnd <= end && java.util.Arrays.equals(buf, start + VALUE.length, keyEnd, k, 0, k.length)
                    && is(buf, keyEnd, end, valueTail)) {
                length = keys.valueBytes();
            } else {
                wrong = "get: a VALUE line not for the key asked or not of its flags and length: ";
                wrong += echo(buf, start, end);
                length = dataLength(buf, start, end);
            }
            int at = in.read(length + 2);
            buf = in.buffer();
            if (buf[at + length] != '\r' || buf[at + length + 1] != '\n') {
                throw new ReplyInput.OutOfStep("a data block not followed by \\r\\n");
            }
            if (wrong == null && !keys.matches(key, buf, at, length, scratch)) {
                wrong = "get: the wrong value for the key asked";
            }
            int endLine = in.readLine();
            if (!is(in.buffer(), endLine, in.lineEnd(), END)) {
                throw new ReplyInput.OutOfStep("a get reply without its END: " + echo(in.buffer(), endLine, in.lineEnd()));
            }
            return wrong;
        }

        /** The length in a VALUE line we did not expect, to skip its data and stay in step. */
        private static int dataLength(byte[] buf, int start, int end) throws ReplyInput.OutOfStep {
            String[] words = new String(buf, start, end - start, StandardCharsets.ISO_8859_1).split(" ");
            if (words.length == 4 || words.length == 5) {
                try {
                    return Integer.parseInt(words[3]);
                } catch (NumberFormatException e) {
                    // below
                }
            }
            throw new ReplyInput.OutOfStep("a VALUE line without a length: " + echo(buf, start, end));
        }

        @Override
        String readSet(int key) throws IOException {
            int start = in.readLine();
            int end = in.lineEnd();
            byte[] buf = in.buffer();
            if (is(buf, start, end, STORED)) {
                return null;
            }
            return errorLine("set", buf, start, end);
        }

        /** An error reply, which is one line; anything else means we lost our place. */
        private static String errorLine(String command, byte[] buf, int start, int end) throws ReplyInput.OutOfStep {
            for (byte[] error : ERROR_LINES) {
                if (startsWith(buf, start, end, error)) {
                    return command + ": " + echo(buf, start, end);
                }
            }
            throw new ReplyInput.OutOfStep("an unexpected " + command + " reply: " + echo(buf, start, end));
        }
    }

    /**
     * The speicher protocol: frames of a 4-byte big-endian length and a JSON object. Values are
     * sent as JSON strings of the key space's letters and digits, which the server stores and
     * returns as that same text.
     */
    static final class Speicher extends ProtocolConnection {

        private static final byte[] GET_HEAD = ascii("{\"command\":\"GET\",\"key\":\"");
        private static final byte[] GET_TAIL = ascii("\"}");
        private static final byte[] SET_HEAD = ascii("{\"command\":\"SET\",\"key\":\"");
        private static final byte[] SET_MIDDLE = ascii("\",\"value\":\"");
        private static final byte[] SET_TAIL = ascii("\"}");
        private static final byte[] OK = ascii("{\"status_code\":200}");
        private static final byte[] FOUND_HEAD = ascii("{\"status_code\":200,\"value\":\"");
        private static final byte[] FOUND_TAIL = ascii("\"}");

        /** Where the body {@link #readFrame()} last returned ends. */
        private int bodyEnd;

        Speicher(KeySpace keys, InputStream in, OutputStream out, Closeable transport) {
            super(keys, in, out, transport);
        }

        @Override
        void sendGet(int key) throws IOException {
            int n = put(4, GET_HEAD);
            n = put(n, keys.key(key));
            n = put(n, GET_TAIL);
            frame(n);
        }

        @Override
        void sendSet(int key) throws IOException {
            int n = put(4, SET_HEAD);
            n = put(n, keys.key(key));
            n = put(n, SET_MIDDLE);
            keys.value(key, scratch, n);
            n += keys.valueBytes();
            n = put(n, SET_TAIL);
            frame(n);
        }

        private int put(int at, byte[] bytes) {
            System.arraycopy(bytes, 0, scratch, at, bytes.length);
            return at + bytes.length;
        }

        /** Writes the request assembled in {@code scratch[4, n)} behind its length. */
        private void frame(int n) throws IOException {
            int length = n - 4;
            scratch[0] = (byte) (length >>> 24);
            scratch[1] = (byte) (length >>> 16);
            scratch[2] = (byte) (length >>> 8);
            scratch[3] = (byte) length;
            out.write(scratch, 0, n);
        }

        /** Reads one frame; returns where its body starts, {@link #bodyEnd} where it ends. */
        private int readFrame() throws IOException {
            int at = in.read(4);
            byte[] buf = in.buffer();
            int length = (buf[at] & 0xFF) << 24 | (buf[at + 1] & 0xFF) << 16 | (buf[at + 2] & 0xFF) << 8
                    | (buf[at + 3] & 0xFF);
            if (length < 0 || length > ReplyInput.MAX_REPLY_BYTES) {
                throw new ReplyInput.OutOfStep("a reply frame length of " + length);
            }
            int body = in.read(length);
            bodyEnd = body + length;
            return body;
        }

        @Override
        String readGet(int key) throws IOException {
            int start = readFrame();
            int end = bodyEnd;
            byte[] buf = in.buffer();
            int valueAt = start + FOUND_HEAD.length;
            int valueEnd = end - FOUND_TAIL.length;
            if (startsWith(buf, start, end, FOUND_HEAD) && valueEnd >= valueAt
                    && is(buf, valueEnd, end, FOUND_TAIL)
                    && keys.matches(key, buf, valueAt, valueEnd - valueAt, scratch)) {
                return null; // the server's own compact form
            }
            // Any other spelling of the same JSON is right too; only this slow path parses.
            return SpeicherReplies.checkGet(buf, start, end, new String(keys.value(key), StandardCharsets.US_ASCII));
        }

        @Override
        String readSet(int key) throws IOException {
            int start = readFrame();
            byte[] buf = in.buffer();
            if (is(buf, start, bodyEnd, OK)) {
                return null;
            }
            return SpeicherReplies.checkSet(buf, start, bodyEnd);
        }
    }
}
