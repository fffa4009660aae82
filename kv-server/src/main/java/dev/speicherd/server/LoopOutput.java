package dev.speicherd.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * An event-loop connection's output: the answers a session writes, held until the loop {@linkplain
 * #send sends} them after the batch of requests that produced them. {@link #flush()} does nothing,
 * so a pipeline is answered in one write however often the session flushes. What the socket does
 * not take at once waits here; the connection reads no more requests while {@link #pending()} is
 * over its high-water mark.
 *
 * <p>Used by the connection's event loop thread only.
 */
final class LoopOutput extends OutputStream {

    /** The buffer a connection starts with and shrinks back to once a large answer has left. */
    static final int INITIAL_BYTES = 16 * 1024;
    /**
     * The most answer bytes one connection may hold unsent: the largest byte array the JVM
     * makes. Only a single request can come near it (the connection reads nothing more while its
     * answers are over the high-water mark), e.g. a multi-get of many large items; a write past
     * it fails that connection, which is closed.
     */
    static final int MAX_PENDING_BYTES = Integer.MAX_VALUE - 8;

    private final int maxPending;
    private byte[] buf = new byte[INITIAL_BYTES];
    /** A view of {@link #buf} for the channel, made again only when the buffer is. */
    private ByteBuffer view = ByteBuffer.wrap(buf);
    private int start;
    private int end;

    LoopOutput() {
        this(MAX_PENDING_BYTES);
    }

    /** An output that holds at most {@code maxPending} unsent bytes; tests use a small one. */
    LoopOutput(int maxPending) {
        if (maxPending < INITIAL_BYTES || maxPending > MAX_PENDING_BYTES) {
            throw new IllegalArgumentException("maxPending out of range: " + maxPending);
        }
        this.maxPending = maxPending;
    }

    @Override
    public void write(int b) throws IOException {
        room(1);
        buf[end++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        room(len);
        System.arraycopy(b, off, buf, end, len);
        end += len;
    }

    /** Does nothing: the event loop sends the answers after each batch of requests. */
    @Override
    public void flush() {
        // the loop sends what is here once the requests it has are answered
    }

    /** Bytes written and not yet sent. */
    int pending() {
        return end - start;
    }

    /**
     * Sends what the socket takes now, without blocking.
     *
     * @return the bytes sent
     */
    int send(WritableByteChannel channel) throws IOException {
        if (start == end) {
            return 0;
        }
        int n = channel.write(view.limit(end).position(start));
        start += n;
        if (start == end) {
            start = end = 0;
            if (buf.length > INITIAL_BYTES) {
                use(new byte[INITIAL_BYTES]); // a large answer has left: do not keep its buffer
            }
        }
        return n;
    }

    private void room(int len) throws IOException {
        if (buf.length - end >= len) {
            return;
        }
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (buf.length - end < len) {
            long needed = (long) end + len;
            if (needed > maxPending) {
                throw new IOException("answers of " + needed + " bytes would be pending on one connection;"
                        + " the most is " + maxPending);
            }
            use(Arrays.copyOf(buf, (int) Math.min(Math.max(2L * buf.length, needed), maxPending)));
        }
    }

    private void use(byte[] buffer) {
        buf = buffer;
        view = ByteBuffer.wrap(buffer);
    }
}
