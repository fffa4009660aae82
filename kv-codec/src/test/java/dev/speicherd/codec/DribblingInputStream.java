package dev.speicherd.codec;

import java.io.InputStream;

/**
 * A stream that hands out one byte per read, as a slow network might: for readers that must
 * put a request together from many short reads.
 */
public final class DribblingInputStream extends InputStream {

    private final byte[] bytes;
    private int next;

    public DribblingInputStream(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        return next < bytes.length ? bytes[next++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        int c = read();
        if (c < 0) {
            return -1;
        }
        b[off] = (byte) c;
        return 1;
    }
}
