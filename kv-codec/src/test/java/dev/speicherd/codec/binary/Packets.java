package dev.speicherd.codec.binary;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Wire fixtures for the binary tests: requests from parts, hex, and a stream that dribbles. */
final class Packets {

    static final int OPAQUE = 0xdeadbeef;

    private Packets() {}

    /** A request with the sizes its parts have. */
    static byte[] request(int opcode, byte[] extras, String key, byte[] value, long cas) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int body = extras.length + k.length + value.length;
        return ByteBuffer.allocate(24 + body).put((byte) 0x80).put((byte) opcode).putShort((short) k.length)
                .put((byte) extras.length).put((byte) 0).putShort((short) 0).putInt(body).putInt(OPAQUE)
                .putLong(cas).put(extras).put(k).put(value).array();
    }

    /** A request without extras, value or cas. */
    static byte[] request(int opcode, String key) {
        return request(opcode, new byte[0], key, new byte[0], 0);
    }

    /** A bare header with the sizes given, whatever follows it. */
    static byte[] header(int opcode, int keyLength, int extrasLength, long bodyLength) {
        return ByteBuffer.allocate(24).put((byte) 0x80).put((byte) opcode).putShort((short) keyLength)
                .put((byte) extrasLength).put((byte) 0).putShort((short) 0).putInt((int) bodyLength)
                .putInt(OPAQUE).putLong(0).array();
    }

    /** Set's extras: flags, then expiration. */
    static byte[] setExtras(int flags, int exptime) {
        return ByteBuffer.allocate(8).putInt(flags).putInt(exptime).array();
    }

    /** Increment's extras: delta, initial, expiration. */
    static byte[] counterExtras(long delta, long initial, int exptime) {
        return ByteBuffer.allocate(20).putLong(delta).putLong(initial).putInt(exptime).array();
    }

    static byte[] expiration(int exptime) {
        return ByteBuffer.allocate(4).putInt(exptime).array();
    }

    /** Several requests back to back, as a pipelining client sends them. */
    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Bytes from hex with spaces and line breaks for readability. */
    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replaceAll("\\s", ""));
    }

    static String hexOf(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A stream of {@code length} zero bytes that are made as they are read, not held. */
    static InputStream zeros(long length) {
        return new InputStream() {
            private long left = length;

            @Override
            public int read() {
                if (left == 0) {
                    return -1;
                }
                left--;
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
    }
}
