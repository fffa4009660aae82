package dev.speicherd.codec.binary;

import dev.speicherd.codec.binary.BinaryCommand.ReplyTo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes memcached binary-protocol responses to a stream: a 24-byte header (magic 0x81, the
 * request's opcode and opaque, the status, the sizes and a cas), then {@code extras | key |
 * value}. An error response carries memcached's text for its status as the value. Nothing is
 * flushed here: the caller flushes when no more requests are waiting, so a pipeline is answered
 * in few writes.
 *
 * <p>Not thread-safe: one writer per connection.
 */
public final class MemcachedBinaryWriter {

    /** The first byte of every response. */
    public static final int RESPONSE_MAGIC = 0x81;
    /** The size of a response header. */
    public static final int HEADER_BYTES = 24;

    private static final int FLAGS_EXTRAS = 4;
    private static final int COUNTER_BYTES = 8;
    private static final byte[] NONE = new byte[0];

    private final OutputStream out;
    private final byte[] scratch = new byte[HEADER_BYTES + COUNTER_BYTES];
    private long bytesWritten;

    /**
     * Creates a writer.
     *
     * @param out the stream, buffered: the writer makes many small writes
     */
    public MemcachedBinaryWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes a hit of a get, get-and-touch or touch: the flags as extras, then the key and the
     * value if asked for.
     *
     * @param to the request answered
     * @param key the key, or {@code null} to leave it out
     * @param flags the item's client flags
     * @param value the value, or {@code null} to leave it out (touch)
     * @param cas the item's token
     * @throws IOException when the stream fails
     */
    public void item(ReplyTo to, byte[] key, int flags, byte[] value, long cas) throws IOException {
        byte[] k = key == null ? NONE : key;
        byte[] v = value == null ? NONE : value;
        int n = header(to, BinaryStatus.NO_ERROR, FLAGS_EXTRAS, k.length, FLAGS_EXTRAS + k.length + v.length, cas);
        putInt(n, flags);
        out.write(scratch, 0, n + FLAGS_EXTRAS);
        out.write(k);
        out.write(v);
        bytesWritten += n + FLAGS_EXTRAS + k.length + (long) v.length;
    }

    /**
     * Writes an empty success, the answer of a change, {@code NoOp}, {@code Quit}, {@code Flush}.
     *
     * @param to the request answered
     * @param cas the changed item's new token, or 0
     * @throws IOException when the stream fails
     */
    public void success(ReplyTo to, long cas) throws IOException {
        int n = header(to, BinaryStatus.NO_ERROR, 0, 0, 0, cas);
        out.write(scratch, 0, n);
        bytesWritten += n;
    }

    /**
     * Writes a counter's new value, the answer of {@code Increment} and {@code Decrement}.
     *
     * @param to the request answered
     * @param value the new value, 64-bit unsigned
     * @param cas the counter's new token
     * @throws IOException when the stream fails
     */
    public void counter(ReplyTo to, long value, long cas) throws IOException {
        int n = header(to, BinaryStatus.NO_ERROR, 0, 0, COUNTER_BYTES, cas);
        putInt(n, (int) (value >>> 32));
        putInt(n + 4, (int) value);
        out.write(scratch, 0, n + COUNTER_BYTES);
        bytesWritten += n + COUNTER_BYTES;
    }

    /**
     * Writes a success whose value is {@code text}, the answer of {@code Version}.
     *
     * @param to the request answered
     * @param text the value, written as UTF-8
     * @throws IOException when the stream fails
     */
    public void text(ReplyTo to, String text) throws IOException {
        keyAndValue(to, BinaryStatus.NO_ERROR, NONE, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes one statistic: its name as the key, its value as the value.
     *
     * @param to the request answered
     * @param name the statistic's name
     * @param value its value as text
     * @throws IOException when the stream fails
     */
    public void stat(ReplyTo to, String name, String value) throws IOException {
        keyAndValue(to, BinaryStatus.NO_ERROR, name.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the empty response that ends a {@code Stat} answer.
     *
     * @param to the request answered
     * @throws IOException when the stream fails
     */
    public void endOfStats(ReplyTo to) throws IOException {
        success(to, 0);
    }

    /**
     * Writes an error with memcached's text for its status.
     *
     * @param to the request answered
     * @param status the error
     * @throws IOException when the stream fails
     */
    public void error(ReplyTo to, BinaryStatus status) throws IOException {
        keyAndValue(to, status, NONE, status.text);
    }

    /**
     * Writes an error with a text of its own, such as the store's reason for failing.
     *
     * @param to the request answered
     * @param status the error
     * @param message the text, written as UTF-8
     * @throws IOException when the stream fails
     */
    public void error(ReplyTo to, BinaryStatus status, String message) throws IOException {
        keyAndValue(to, status, NONE, message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the miss of a {@code GetK}: "not found" with the key and no text, as memcached does.
     *
     * @param to the request answered
     * @param key the key that was not found
     * @throws IOException when the stream fails
     */
    public void missWithKey(ReplyTo to, byte[] key) throws IOException {
        keyAndValue(to, BinaryStatus.KEY_NOT_FOUND, key, NONE);
    }

    /**
     * Flushes the stream.
     *
     * @throws IOException when the stream fails
     */
    public void flush() throws IOException {
        out.flush();
    }

    /**
     * Returns how many bytes this writer has written, flushed or not.
     *
     * @return bytes
     */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Writes a response without extras or cas. */
    private void keyAndValue(ReplyTo to, BinaryStatus status, byte[] key, byte[] value) throws IOException {
        int n = header(to, status, 0, key.length, key.length + value.length, 0);
        out.write(scratch, 0, n);
        out.write(key);
        out.write(value);
        bytesWritten += n + key.length + (long) value.length;
    }

    /** Fills the header into the scratch buffer and returns its size. */
    private int header(ReplyTo to, BinaryStatus status, int extras, int keyLength, int bodyLength, long cas) {
        scratch[0] = (byte) RESPONSE_MAGIC;
        scratch[1] = (byte) to.opcode();
        scratch[2] = (byte) (keyLength >>> 8);
        scratch[3] = (byte) keyLength;
        scratch[4] = (byte) extras;
        scratch[5] = 0; // data type: raw bytes
        scratch[6] = (byte) (status.code >>> 8);
        scratch[7] = (byte) status.code;
        putInt(8, bodyLength);
        putInt(12, to.opaque());
        putInt(16, (int) (cas >>> 32));
        putInt(20, (int) cas);
        return HEADER_BYTES;
    }

    private void putInt(int at, int value) {
        scratch[at] = (byte) (value >>> 24);
        scratch[at + 1] = (byte) (value >>> 16);
        scratch[at + 2] = (byte) (value >>> 8);
        scratch[at + 3] = (byte) value;
    }
}
