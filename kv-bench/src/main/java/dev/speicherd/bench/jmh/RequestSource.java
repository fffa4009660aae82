package dev.speicherd.bench.jmh;

import java.io.InputStream;

/**
 * One request, read again after each {@link #reset}, with no lock: as a connection's input buffer
 * in the server, and unlike {@code ByteArrayInputStream}, whose lock per call would cost as much
 * as the parsing measured.
 */
final class RequestSource extends InputStream {
    private final byte[] bytes;
    private int position;

    RequestSource(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        return position < bytes.length ? bytes[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position == bytes.length) {
            return len == 0 ? 0 : -1;
        }
        int n = Math.min(len, bytes.length - position);
        System.arraycopy(bytes, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return bytes.length - position;
    }

    @Override
    public void reset() {
        position = 0;
    }
}
