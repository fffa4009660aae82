package dev.speicherd.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A client's buffered view of a server's replies: whole lines and whole blocks, read in place.
 * Bytes a call returns stay valid in {@link #buffer()} until the next call.
 *
 * <p>Not thread-safe: one per connection.
 */
final class ReplyInput {

    /** A reply bigger than this means the stream is garbage, not a reply. */
    static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

    private final InputStream in;
    private byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private int lineEnd;
    /** Where {@link #reset()} goes back to; bytes from here on are kept. -1: none. */
    private int mark = -1;

    ReplyInput(InputStream in) {
        this.in = in;
    }

    byte[] buffer() {
        return buf;
    }

    /**
     * Reads a line ending in {@code \r\n}.
     *
     * @return the offset in {@link #buffer()} where the line starts; {@link #lineEnd()} is where
     *     its {@code \r\n} starts
     */
    int readLine() throws IOException {
        int scan = pos;
        while (true) {
            for (int p = scan; p < limit; p++) {
                if (buf[p] == '\n') {
                    if (p == pos || buf[p - 1] != '\r') {
                        throw new OutOfStep("a reply line that ends in a bare \\n");
                    }
                    int start = pos;
                    lineEnd = p - 1;
                    pos = p + 1;
                    return start;
                }
            }
            int scanned = limit - pos;
            if (scanned > MAX_REPLY_BYTES) {
                throw new OutOfStep("a reply line of over " + MAX_REPLY_BYTES + " bytes");
            }
            fill(scanned + 1);
            scan = pos + scanned;
        }
    }

    /** Where the line {@link #readLine()} last returned ends (its {@code \r} is there). */
    int lineEnd() {
        return lineEnd;
    }

    /**
     * Reads exactly {@code n} bytes.
     *
     * @return the offset in {@link #buffer()} where they start
     */
    int read(int n) throws IOException {
        if (n < 0 || n > MAX_REPLY_BYTES) {
            throw new OutOfStep("a reply of " + n + " bytes");
        }
        if (limit - pos < n) {
            fill(n);
        }
        int start = pos;
        pos += n;
        return start;
    }

    /**
     * Remembers where the next reply starts, for {@link #reset()}: a reply read from a
     * non-blocking source may be only partly there, and is read again from its start when the
     * rest has come.
     */
    void mark() {
        mark = pos;
    }

    /** Goes back to the last {@link #mark()}; the bytes read since are read again. */
    void reset() {
        pos = mark;
    }

    /**
     * Makes at least {@code n} bytes available from {@code pos}, moving them (and any marked
     * ones before them) to the front.
     */
    private void fill(int n) throws IOException {
        int keep = mark >= 0 ? mark : pos;
        if (keep > 0) {
            System.arraycopy(buf, keep, buf, 0, limit - keep);
            limit -= keep;
            pos -= keep;
            if (mark >= 0) {
                mark = 0;
            }
        }
        n += pos;
        if (buf.length < n) {
            buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
        }
        while (limit < n) {
            int got = in.read(buf, limit, buf.length - limit);
            if (got < 0) {
                throw new EOFException("the server closed the connection");
            }
            limit += got;
        }
    }

    /** The stream no longer holds replies where they are expected: the connection is useless. */
    static final class OutOfStep extends IOException {
        private static final long serialVersionUID = 1L;

        OutOfStep(String message) {
            super(message);
        }
    }
}
