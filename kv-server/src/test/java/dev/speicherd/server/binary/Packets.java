package dev.speicherd.server.binary;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Binary requests built from their parts, and responses parsed back, for the handler tests. */
final class Packets {

    private static final byte[] NONE = new byte[0];

    private Packets() {}

    /** A request with the sizes its parts have; the opaque is the caller's, to match answers by. */
    static byte[] request(int opcode, int opaque, byte[] extras, String key, byte[] value, long cas) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int body = extras.length + k.length + value.length;
        return ByteBuffer.allocate(24 + body).put((byte) 0x80).put((byte) opcode).putShort((short) k.length)
                .put((byte) extras.length).put((byte) 0).putShort((short) 0).putInt(body).putInt(opaque)
                .putLong(cas).put(extras).put(k).put(value).array();
    }

    static byte[] simple(int opcode, int opaque, String key) {
        return request(opcode, opaque, NONE, key, NONE, 0);
    }

    static byte[] set(int opcode, int opaque, String key, String value, long cas) {
        return request(opcode, opaque, ByteBuffer.allocate(8).putInt(0).putInt(0).array(), key, utf8(value), cas);
    }

    static byte[] set(int opaque, String key, String value) {
        return set(0x01, opaque, key, value, 0);
    }

    static byte[] concatenate(int opcode, int opaque, String key, String value, long cas) {
        return request(opcode, opaque, NONE, key, utf8(value), cas);
    }

    static byte[] counter(int opcode, int opaque, String key, long delta, long initial, int exptime, long cas) {
        byte[] extras = ByteBuffer.allocate(20).putLong(delta).putLong(initial).putInt(exptime).array();
        return request(opcode, opaque, extras, key, NONE, cas);
    }

    static byte[] withExpiration(int opcode, int opaque, String key, int exptime) {
        return request(opcode, opaque, ByteBuffer.allocate(4).putInt(exptime).array(), key, NONE, 0);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One response packet, parsed. */
    record Response(int opcode, int status, int opaque, long cas, byte[] extras, String key, byte[] value) {

        String text() {
            return new String(value, StandardCharsets.UTF_8);
        }

        long counter() {
            return ByteBuffer.wrap(value).getLong();
        }

        int flags() {
            return ByteBuffer.wrap(extras).getInt();
        }

        @Override
        public String toString() {
            return String.format("Response[0x%02x status 0x%04x #%d cas %d key %s value %s]", opcode, status, opaque,
                    cas, key, text());
        }
    }

    /** The response packets in {@code bytes}; fails on a stray byte or a cut-off packet. */
    static List<Response> responses(byte[] bytes) {
        List<Response> responses = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            if ((b.get() & 0xFF) != 0x81) {
                throw new AssertionError("not a response magic at " + (b.position() - 1));
            }
            int opcode = b.get() & 0xFF;
            int keyLength = b.getShort() & 0xFFFF;
            int extrasLength = b.get() & 0xFF;
            b.get();
            int status = b.getShort() & 0xFFFF;
            int body = b.getInt();
            int opaque = b.getInt();
            long cas = b.getLong();
            byte[] extras = new byte[extrasLength];
            byte[] key = new byte[keyLength];
            byte[] value = new byte[body - extrasLength - keyLength];
            b.get(extras).get(key).get(value);
            responses.add(new Response(opcode, status, opaque, cas, extras, new String(key, StandardCharsets.UTF_8),
                    value));
        }
        return responses;
    }
}
