package dev.speicherd.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * A connection's socket as its loop reads and writes it: through the loop's one direct buffer,
 * {@code transfer}, copied to and from the connection's own buffers, which are heap arrays since
 * the codecs parse and write byte arrays.
 *
 * <p>Handed a heap buffer, NIO does the same copy, but through a temporary direct buffer as large
 * as the call, taken from a cache in a thread-local and given back every time, and it keeps the
 * largest: after one answer of 30 MiB, a loop held 29 MiB of direct memory for good, outside the
 * heap and the client memory bound. Here the copy goes through the loop's buffer, of a fixed
 * size, which only the loop's thread uses, one call at a time. The thread-local lookup it also
 * saves was a tenth of the loops' samples in Java code under memaslap (JFR), but throughput moved
 * within the noise (docs/performance-log.md, "The loop's own direct buffer").
 *
 * <p>A call moves as much as the socket takes or has, up to what {@code dst} has room for or
 * {@code src} holds, one buffer's worth at a time; a connection's buffers are larger than the
 * loop's only while they hold a large value.
 *
 * @param socket the connection's socket, non-blocking
 * @param transfer the loop's direct buffer
 */
record LoopSocket(SocketChannel socket, ByteBuffer transfer) implements ByteChannel {

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int room = Math.min(transfer.capacity(), dst.remaining());
            int n = socket.read(transfer.clear().limit(room));
            if (n <= 0) {
                return total > 0 ? total : n; // an end of stream after data shows on the next call
            }
            dst.put(transfer.flip());
            total += n;
            if (n < room) {
                break; // the socket has no more now
            }
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int total = 0;
        while (src.hasRemaining()) {
            int chunk = Math.min(transfer.capacity(), src.remaining());
            transfer.clear().put(0, src, src.position(), chunk).limit(chunk);
            int n = socket.write(transfer);
            src.position(src.position() + n);
            total += n;
            if (n < chunk) {
                break; // the socket takes no more now
            }
        }
        return total;
    }

    /**
     * Reads what the socket has, up to the loop's buffer, and drops it.
     *
     * @return the bytes dropped, or -1 at the end of stream
     */
    int drop() throws IOException {
        return socket.read(transfer.clear());
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
