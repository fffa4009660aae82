package dev.speicherd.bench.ceiling;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.speicherd.api.Item;
import dev.speicherd.api.Store;
import dev.speicherd.codec.memcached.MemcachedTextWriter;
import dev.speicherd.codec.memcached.MemcachedWords;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The whole protocol of the bare servers: {@code get <key>} is answered with a 100-byte value
 * under that key, {@code set <key> <flags> <exptime> <bytes>} and its data block with {@code
 * STORED}, any other line with {@code ERROR}. Requests are taken only when complete, so a caller
 * keeps the rest of its input for the next read. Given a {@link Store}, a get answers what the
 * store holds under its one key ({@code END} alone when nothing) and a set stores its data
 * block there, with flags 0 and no expiry, whatever its line says.
 */
final class BareReplies {

    /** The value every get returns. */
    static final byte[] VALUE = filled(100);
    /**
     * Reply bytes per input byte at most: the shortest get, {@code get k\r\n} (7 bytes), takes
     * 122 bytes of reply.
     */
    static final int MAX_REPLY_FACTOR = 18;

    private static final byte[] VALUE_PREFIX = "VALUE ".getBytes(US_ASCII);
    private static final byte[] VALUE_SUFFIX = (" 0 " + VALUE.length + "\r\n").getBytes(US_ASCII);
    private static final byte[] END = "\r\nEND\r\n".getBytes(US_ASCII);
    private static final byte[] STORED = "STORED\r\n".getBytes(US_ASCII);
    private static final byte[] ERROR = "ERROR\r\n".getBytes(US_ASCII);

    private final byte[] out;
    /** Where gets and sets go, or null to answer every get with {@link #VALUE} and store nothing. */
    private final Store store;
    /** speicherd's own writer of {@code VALUE} entries, appending to {@link #out}; for the store's hits. */
    private final MemcachedTextWriter writer = new MemcachedTextWriter(new OutputStream() {
        @Override
        public void write(int b) {
            out[written++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int from, int length) {
            put(bytes, from, length);
        }
    });
    private int written;

    /** @param out where replies go; at least {@link #MAX_REPLY_FACTOR} times the input buffer */
    BareReplies(byte[] out) {
        this(out, null);
    }

    /**
     * @param out where replies go; at least {@link #MAX_REPLY_FACTOR} times the input buffer
     * @param store where gets look their key up and sets store their value (flags 0, no expiry);
     *     null for none
     */
    BareReplies(byte[] out, Store store) {
        this.out = out;
        this.store = store;
    }

    /**
     * Answers the complete requests in {@code in[from, to)}.
     *
     * @return the index of the first byte not consumed (the start of an incomplete request)
     */
    int answer(byte[] in, int from, int to) {
        int p = from;
        while (true) {
            int eol = lineEnd(in, p, to);
            if (eol < 0) {
                return p;
            }
            if (startsWith(in, p, eol, "get ")) {
                if (store != null) {
                    answerFromStore(Arrays.copyOfRange(in, p + 4, eol));
                } else {
                    put(VALUE_PREFIX);
                    put(in, p + 4, eol - p - 4);
                    put(VALUE_SUFFIX);
                    put(VALUE);
                    put(END);
                }
                p = eol + 2;
            } else if (startsWith(in, p, eol, "set ")) {
                int next = eol + 2 + dataLength(in, p, eol) + 2;
                if (next > to) {
                    return p;
                }
                if (store != null) {
                    int keyEnd = p + 4;
                    while (keyEnd < eol && in[keyEnd] != ' ') {
                        keyEnd++;
                    }
                    store.set(Arrays.copyOfRange(in, p + 4, keyEnd), Arrays.copyOfRange(in, eol + 2, next - 2), 0, Item.NEVER);
                }
                put(STORED);
                p = next;
            } else {
                put(ERROR);
                p = eol + 2;
            }
        }
    }

    /** Returns the reply bytes appended since the last call and starts over. */
    int drain() {
        int n = written;
        written = 0;
        return n;
    }

    private static int lineEnd(byte[] in, int from, int to) {
        for (int i = from; i + 1 < to; i++) {
            if (in[i] == '\r' && in[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] in, int from, int to, String word) {
        if (to - from < word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (in[from + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The last word of a set line: its data block's length. */
    private static int dataLength(byte[] in, int from, int eol) {
        int start = eol;
        while (start > from && in[start - 1] != ' ') {
            start--;
        }
        int n = 0;
        for (int i = start; i < eol; i++) {
            n = n * 10 + (in[i] - '0');
        }
        return n;
    }

    /** Answers a get of {@code key} with what the store holds under it, as speicherd writes it. */
    private void answerFromStore(byte[] key) {
        try {
            store.read(List.of(key), (keyIndex, value, offset, length, flags, cas) ->
                    writer.value(key, flags, value, offset, length, false, 0));
            writer.write(MemcachedWords.END);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // never: the writer's stream is an array
        }
    }

    private void put(byte[] bytes) {
        put(bytes, 0, bytes.length);
    }

    private void put(byte[] bytes, int from, int length) {
        System.arraycopy(bytes, from, out, written, length);
        written += length;
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }
}
