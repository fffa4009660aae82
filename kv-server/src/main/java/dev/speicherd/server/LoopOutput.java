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
 * <p>The buffer grows for an answer that does not fit with a share of the server's {@link
 * ClientMemory}, and gives it back once the answer has left. When the share is not there, the
 * answer goes to the socket as it is made, as much as the socket takes; an answer that neither
 * fits nor leaves fails its connection.
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

    private final ClientMemory memory;
    /**
     * Where the answers go: the connection's socket (under {@code fsync always}, behind a {@link
     * SyncingChannel}), after each batch, or as they are made when memory is short.
     */
    private final WritableByteChannel channel;
    /**
     * Where an answer that the buffer has no memory to hold goes as it is made: the socket, which
     * takes what it can now; on io_uring, netty's queue, within a budget of its own.
     */
    private final WritableByteChannel overflow;
    private final int maxPending;
    private byte[] buf = new byte[INITIAL_BYTES];
    /** A view of {@link #buf} for the channel, made again only when the buffer is. */
    private ByteBuffer view = ByteBuffer.wrap(buf);
    private int start;
    private int end;

    LoopOutput(ClientMemory memory, WritableByteChannel channel) {
        this(memory, channel, channel, MAX_PENDING_BYTES);
    }

    /** An output whose answers with no memory to wait in go to {@code overflow} as they are made. */
    LoopOutput(ClientMemory memory, WritableByteChannel channel, WritableByteChannel overflow) {
        this(memory, channel, overflow, MAX_PENDING_BYTES);
    }

    /** An output that holds at most {@code maxPending} unsent bytes; tests use a small one. */
    LoopOutput(ClientMemory memory, WritableByteChannel channel, int maxPending) {
        this(memory, channel, channel, maxPending);
    }

    private LoopOutput(ClientMemory memory, WritableByteChannel channel, WritableByteChannel overflow, int maxPending) {
        if (maxPending < INITIAL_BYTES || maxPending > MAX_PENDING_BYTES) {
            throw new IllegalArgumentException("maxPending out of range: " + maxPending);
        }
        this.memory = memory;
        this.channel = channel;
        this.overflow = overflow;
        this.maxPending = maxPending;
    }

    @Override
    public void write(int b) throws IOException {
        if (end == buf.length) {
            room(1);
        }
        buf[end++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            if (end == buf.length) {
                room(len);
            }
            int n = Math.min(len, buf.length - end);
            System.arraycopy(b, off, buf, end, n);
            end += n;
            off += n;
            len -= n;
        }
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
    int send() throws IOException {
        return sendTo(channel);
    }

    private int sendTo(WritableByteChannel to) throws IOException {
        if (start == end) {
            return 0;
        }
        int n = to.write(view.limit(end).position(start));
        start += n;
        if (start == end) {
            start = end = 0;
            release(); // a large answer has left: do not keep its buffer
        }
        return n;
    }

    /** Gives a grown buffer's share back to {@link #memory}; what is pending is dropped. */
    void release() {
        if (buf.length > INITIAL_BYTES) {
            memory.give(buf.length - INITIAL_BYTES);
            use(new byte[INITIAL_BYTES]);
            start = end = 0;
        }
    }

    /**
     * Makes room in the full buffer for some of {@code len} more bytes: by moving what is pending
     * to the front; else by growing it for all of them, with a share of {@link #memory}; else by
     * sending what the socket ({@link #overflow}) takes now.
     */
    private void room(int len) throws IOException {
        if (start == 0) {
            long needed = (long) end + len;
            int target = (int) Math.min(maxPending, Math.max(needed, (long) buf.length + buf.length / 2));
            if (target > buf.length && memory.tryTake(target - buf.length, buf.length > INITIAL_BYTES)) {
                use(Arrays.copyOf(buf, target));
                return;
            }
            if (sendTo(overflow) == 0) {
                throw tooMuch(needed, target);
            }
            if (end < buf.length) {
                return; // all of it left, and the buffer is empty
            }
        }
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
    }

    private IOException tooMuch(long needed, int target) {
        return target == buf.length
                ? new IOException("answers of " + needed + " bytes would be pending on one connection; the most is "
                        + maxPending)
                : new ClientMemory.Exhausted("an answer does not fit the client memory left (--client-memory "
                        + memory.limit() + " bytes, " + memory.used() + " in use) and the client is not reading");
    }

    private void use(byte[] buffer) {
        buf = buffer;
        view = ByteBuffer.wrap(buffer);
    }
}
