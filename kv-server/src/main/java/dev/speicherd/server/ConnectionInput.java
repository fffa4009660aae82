package dev.speicherd.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A connection's buffered input whose bulk read makes at most one read of the socket.
 *
 * <p>{@link BufferedInputStream#read(byte[], int, int)} keeps reading while the socket reports
 * bytes available, which costs an {@code ioctl(FIONREAD)} system call on every read that does
 * not fill the caller's array, i.e. on nearly every request. Protocol readers here keep buffers
 * of their own and call again when they need more, so one read is all they want.
 */
final class ConnectionInput extends BufferedInputStream {

    ConnectionInput(InputStream socket, int bufferBytes) {
        super(socket, bufferBytes);
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
}
