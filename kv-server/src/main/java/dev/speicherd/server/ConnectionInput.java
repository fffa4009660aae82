package dev.speicherd.server;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A blocking connection's buffered input, whose bulk read makes at most one read of the socket
 * and which counts the bytes received.
 *
 * <p>{@link BufferedInputStream#read(byte[], int, int)} keeps reading while the socket reports
 * bytes available, which costs an {@code ioctl(FIONREAD)} system call on every read that does
 * not fill the caller's array, i.e. on nearly every request. Protocol readers here keep buffers
 * of their own and call again when they need more, so one read is all they want.
 */
final class ConnectionInput extends BufferedInputStream {

    private final Counted counted;

    ConnectionInput(InputStream socket, int bufferBytes) {
        this(new Counted(socket), bufferBytes);
    }

    private ConnectionInput(Counted socket, int bufferBytes) {
        super(socket, bufferBytes);
        this.counted = socket;
    }

    /** Returns the bytes received from the socket so far, buffered or not yet read. */
    long received() {
        return counted.received;
    }

    /**
     * Returns the next byte without consuming it, waiting for it if need be: how a connection
     * learns which protocol its client speaks.
     *
     * @return the byte, or -1 when the client closed the connection without sending any
     */
    synchronized int peek() throws IOException {
        if (pos >= count) {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return -1;
            }
            pos = 0;
            count = n;
        }
        return buf[pos] & 0xFF;
    }

    /**
     * Returns the bytes buffered here, without asking the socket (a system call): an estimate
     * that {@link InputStream#available()} allows to be low. Handlers use it to flush their
     * answers when no request is waiting; one that is still in the kernel is answered after the
     * next read, with the answers before it already sent.
     */
    @Override
    public synchronized int available() throws IOException {
        if (in == null) {
            throw new IOException("Stream closed");
        }
        return count - pos;
    }

    /**
     * Reads what is buffered, or else makes one read of the socket: straight into {@code b}
     * when it is at least as large as the buffer, through the buffer otherwise.
     */
    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (markpos >= 0) {
            return super.read(b, off, len); // a mark is set: let the JDK keep its bookkeeping
        }
        if (pos >= count) {
            InputStream socket = in;
            if (socket == null) {
                throw new IOException("Stream closed");
            }
            if (len >= buf.length) {
                return socket.read(b, off, len);
            }
            int n = socket.read(buf, 0, buf.length);
            if (n <= 0) {
                return n;
            }
            pos = 0;
            count = n;
        }
        int n = Math.min(len, count - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** The socket's stream, counting what comes out of it. */
    private static final class Counted extends FilterInputStream {

        /** Only the connection's thread reads and writes it. */
        private long received;

        Counted(InputStream socket) {
            super(socket);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                received++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                received += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            received += skipped;
            return skipped;
        }
    }
}
