package dev.speicherd.server;

import dev.speicherd.codec.InputDemand;
import dev.speicherd.codec.KeySpan;
import dev.speicherd.codec.memcached.MemcachedTextReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * An event-loop connection's input: the bytes received and not yet taken, which a session's
 * reader reads as a stream that never blocks. When a reader asks for bytes that have not arrived,
 * the stream throws {@link MoreInputNeeded}; the connection then {@linkplain #rewind() rewinds} it
 * to where the request began and tries again once {@linkplain #ready() enough} has arrived: a
 * request is parsed only when it is whole, and a large one is parsed once, not once per packet.
 *
 * <p>Three positions in the buffer: {@code start}, where the request being read begins;
 * {@code cursor}, how far its reader has got; {@code end}, how far the bytes received go. The
 * buffer grows only for a request that does not fit, which the protocols' own limits bound (the
 * line length, the item size, the frame size), and shrinks back once what is left fits its
 * starting size. The rest of an oversized data block, which a reader skips, is dropped as it
 * arrives rather than held.
 *
 * <p>Growth is taken from the server's {@link ClientMemory} first, at once to the size the
 * request needs when its reader said (a data block, a frame), or to the longest line when it did
 * not: a request holds either no share or all it needs, so requests waiting for memory never wait
 * on each other. When the share is not there, nothing is read ({@link #starved}) until {@link
 * #resume} gets it.
 *
 * <p>Used by the connection's event loop thread only.
 */
final class LoopInput extends InputStream implements InputDemand {

    /** The buffer a connection starts with and shrinks back to; memcached's read buffer is 16 KiB too. */
    static final int INITIAL_BYTES = 16 * 1024;
    /**
     * What a request whose size its reader did not say grows to: a memcached command line, the
     * only request read a byte at a time, at its longest and with its line end.
     */
    static final int LINE_GROWTH_BYTES = MemcachedTextReader.MAX_LINE_BYTES + 2;
    /** The largest buffer: the largest byte array the JVM makes. */
    private static final int MAX_BYTES = Integer.MAX_VALUE - 8;

    private final ClientMemory memory;
    private byte[] buf = new byte[INITIAL_BYTES];
    /** A view of {@link #buf} for the channel, made again only when the buffer is. */
    private ByteBuffer view = ByteBuffer.wrap(buf);
    private int start;
    private int cursor;
    private int end;
    /** The client sent its end of stream, or the server stopped reading: no byte will follow. */
    private boolean ended;
    /** Bytes from {@code start} that the last try at the request asked for; 0 after a whole one. */
    private long needed;
    /** Whether the last try asked for one more byte, not saying how many it needs (a line). */
    private boolean neededUnsaid;
    /** Whether the request waits for {@link #memory} to grow the buffer. */
    private boolean starved;
    /** Bytes of a skipped data block yet to arrive, dropped when they do. */
    private long skipping;
    /** Skipped by the request being read: counted in {@link #skipping} once it is whole. */
    private long skippingNow;
    private long received;

    LoopInput(ClientMemory memory) {
        this.memory = memory;
    }

    /**
     * Reads what the channel has into the buffer: one read, which does not block. Reads nothing
     * when the buffer is full and the memory to grow it is not there ({@link #starved}).
     *
     * @return the bytes read, or -1 when the client sent its end of stream
     */
    int receive(ReadableByteChannel channel) throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            cursor -= start;
            end -= start;
            start = 0;
        }
        if (end == buf.length && (needed <= buf.length || !grow())) {
            return 0; // full of requests not yet answered, or waiting for memory to grow
        }
        int n = channel.read(view.limit(buf.length).position(end));
        if (n < 0) {
            ended = true;
            return -1;
        }
        received += n;
        int kept = n;
        if (skipping > 0) {
            int dropped = (int) Math.min(skipping, n);
            skipping -= dropped;
            kept = n - dropped;
            System.arraycopy(buf, end + dropped, buf, end, kept);
        }
        end += kept;
        return n;
    }

    /** Grows the full buffer for the request being read, if {@link #memory} gives the share; false if not. */
    private boolean grow() {
        long size = Math.max(Math.max(needed, neededUnsaid ? LINE_GROWTH_BYTES : 0), (long) buf.length + INITIAL_BYTES);
        int target = (int) Math.min(MAX_BYTES, size);
        starved = !memory.tryTake(target - buf.length, buf.length > INITIAL_BYTES);
        if (starved) {
            return false;
        }
        use(Arrays.copyOf(buf, target));
        return true;
    }

    /** Whether the request waits for memory to grow the buffer, and nothing is read meanwhile. */
    boolean starved() {
        return starved;
    }

    /** Tries again to grow the buffer of a {@link #starved} request; true once it did. */
    boolean resume() {
        return !starved || grow();
    }

    /** Gives the buffer's share back to {@link #memory}, as the connection closes; nothing is read after. */
    void release() {
        ended = true;
        starved = false;
        if (buf.length > INITIAL_BYTES) {
            memory.give(buf.length - INITIAL_BYTES);
            use(new byte[INITIAL_BYTES]);
            start = cursor = end = 0;
        }
    }

    /** Takes no more input: what is buffered is still read, then the stream ends. */
    void end() {
        ended = true;
    }

    /** Whether the stream has ended: the client's end of stream came, or {@link #end} was called. */
    boolean ended() {
        return ended;
    }

    /** Whether a request may be read now: new bytes since the last try came, or the stream ended. */
    boolean ready() {
        return ended || end - start >= Math.max(needed, 1);
    }

    /**
     * Marks the request just read as taken.
     *
     * @param unreadByReader bytes the reader took from this stream ahead of the request's end,
     *     where the next request begins
     */
    void commit(int unreadByReader) {
        start = cursor - unreadByReader;
        needed = 0;
        neededUnsaid = false;
        skipping += skippingNow;
        skippingNow = 0;
        if (buf.length > INITIAL_BYTES && end - start <= INITIAL_BYTES) {
            // a large request is over: keep what follows it, not its buffer or its share
            byte[] rest = new byte[INITIAL_BYTES];
            System.arraycopy(buf, start, rest, 0, end - start);
            memory.give(buf.length - INITIAL_BYTES);
            use(rest);
            end -= start;
            cursor -= start;
            start = 0;
        }
    }

    private void use(byte[] buffer) {
        buf = buffer;
        view = ByteBuffer.wrap(buffer);
    }

    /** Goes back to where the request being read began, after it turned out incomplete. */
    void rewind() {
        cursor = start;
        skippingNow = 0;
    }

    /** Returns the next byte without taking it; there must be one ({@link #available()}). */
    int peek() {
        return buf[cursor] & 0xFF;
    }

    /**
     * {@link Session#keyOfNext} of the bytes received and not yet taken: where the key of {@code
     * session}'s next request lies in {@link #buffer()}.
     */
    long keyOfNext(Session session) {
        return cursor == end ? KeySpan.NONE : session.keyOfNext(buf, cursor, end);
    }

    /** The buffer that {@link #keyOfNext} points into, until the next {@link #receive}. */
    byte[] buffer() {
        return buf;
    }

    /** Bytes received from the client so far. */
    long received() {
        return received;
    }

    // ---- InputStream, for the session's reader

    @Override
    public int read() throws IOException {
        if (cursor == end) {
            return endOrMore(1, false);
        }
        return buf[cursor++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (cursor == end) {
            return endOrMore(1, false);
        }
        int n = Math.min(len, end - cursor);
        System.arraycopy(buf, cursor, b, off, n);
        cursor += n;
        return n;
    }

    @Override
    public int readNBytes(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int n = Math.min(len, end - cursor);
        if (n < len && !ended) {
            return endOrMore(len, true);
        }
        System.arraycopy(buf, cursor, b, off, n);
        cursor += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, end - cursor));
        cursor += (int) skipped;
        return skipped;
    }

    /** Skips {@code n} bytes; those not yet here are dropped as they arrive. */
    @Override
    public void skipNBytes(long n) throws IOException {
        long here = skip(n);
        if (here < n) {
            if (ended) {
                throw new EOFException("end of stream after " + here + " of " + n + " skipped bytes");
            }
            skippingNow += n - here;
        }
    }

    /** Asks for {@code bytes} more before the reader allocates for them: the request's size, said. */
    @Override
    public void require(long bytes) throws MoreInputNeeded {
        if (end - cursor < bytes) {
            endOrMore(bytes, true);
        }
    }

    /** Bytes received and not yet taken by the reader. */
    @Override
    public int available() {
        return end - cursor;
    }

    /**
     * -1 at the end of the stream; otherwise records how many more bytes are wanted, and whether
     * that is what the request needs ({@code said}) or only the next byte of a line, and throws.
     */
    private int endOrMore(long wanted, boolean said) throws MoreInputNeeded {
        if (ended) {
            return -1;
        }
        needed = cursor - start + wanted;
        neededUnsaid = !said;
        throw new MoreInputNeeded();
    }
}
