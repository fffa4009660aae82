package dev.speicherd.codec.memcached;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes memcached text-protocol replies to a stream. Nothing is flushed here: the caller
 * flushes when no more requests are waiting, so a pipeline is answered in few writes.
 *
 * <p>Not thread-safe: one writer per connection.
 */
public final class MemcachedTextWriter {

    /** Room for a {@code VALUE} header: the word, a 250-byte key and three numbers. */
    private static final int SCRATCH_BYTES = 512;

    private final OutputStream out;
    private final byte[] scratch = new byte[SCRATCH_BYTES];
    private long bytesWritten;

    /**
     * Creates a writer.
     *
     * @param out the stream, buffered: the writer makes many small writes
     */
    public MemcachedTextWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes a ready reply, such as one of {@link MemcachedWords}. */
    public void write(byte[] reply) throws IOException {
        out.write(reply);
        bytesWritten += reply.length;
    }

    /** Writes {@code VALUE <key> <flags> <bytes> [<cas>]}, the value and its line end. */
    public void value(byte[] key, int flags, byte[] value, boolean withCas, long cas) throws IOException {
        value(key, flags, value, 0, value.length, withCas, cas);
    }

    /**
     * Writes one {@code VALUE} entry of a get's answer with the value at {@code value[offset,
     * offset + length)}, e.g. where the store holds it.
     */
    public void value(byte[] key, int flags, byte[] value, int offset, int length, boolean withCas, long cas)
            throws IOException {
        int n = put(0, MemcachedWords.VALUE);
        n = put(n, key);
        scratch[n++] = ' ';
        n = putUnsigned(n, Integer.toUnsignedLong(flags));
        scratch[n++] = ' ';
        n = putUnsigned(n, length);
        if (withCas) {
            scratch[n++] = ' ';
            n = putUnsigned(n, cas);
        }
        n = put(n, MemcachedWords.CRLF);
        out.write(scratch, 0, n);
        out.write(value, offset, length);
        out.write(MemcachedWords.CRLF);
        bytesWritten += n + length + 2L;
    }

    /** Writes a 64-bit unsigned number and a line end, the answer to {@code incr}/{@code decr}. */
    public void number(long unsigned) throws IOException {
        int n = putUnsigned(0, unsigned);
        n = put(n, MemcachedWords.CRLF);
        out.write(scratch, 0, n);
        bytesWritten += n;
    }

    /** Writes {@code CLIENT_ERROR <reason>}. */
    public void clientError(String reason) throws IOException {
        write(MemcachedWords.CLIENT_ERROR);
        line(reason);
    }

    /** Writes {@code SERVER_ERROR <reason>}. */
    public void serverError(String reason) throws IOException {
        write(MemcachedWords.SERVER_ERROR);
        line(reason);
    }

    /** Writes {@code STAT <name> <value>}. */
    public void stat(String name, Object value) throws IOException {
        write(MemcachedWords.STAT);
        line(name + " " + value);
    }

    /** Writes a line of text (ASCII or UTF-8) and its line end. */
    public void line(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
        write(MemcachedWords.CRLF);
    }

    /** Writes a meta data block: the bytes and a line end. */
    public void block(byte[] data) throws IOException {
        out.write(data);
        out.write(MemcachedWords.CRLF);
        bytesWritten += data.length + 2L;
    }

    /** Flushes the stream. */
    public void flush() throws IOException {
        out.flush();
    }

    /** Bytes written so far. */
    public long bytesWritten() {
        return bytesWritten;
    }

    private int put(int at, byte[] bytes) {
        System.arraycopy(bytes, 0, scratch, at, bytes.length);
        return at + bytes.length;
    }

    /** Writes the decimal digits of a 64-bit unsigned number, without allocating. */
    private int putUnsigned(int at, long value) {
        if (value < 0) { // 2^63 and up: peel off the last digit the unsigned way, then go on signed
            int end = putUnsigned(at, Long.divideUnsigned(value, 10));
            scratch[end] = (byte) ('0' + Long.remainderUnsigned(value, 10));
            return end + 1;
        }
        int digits = 1;
        for (long bound = 10; digits < 19 && value >= bound; bound *= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            scratch[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }
}
