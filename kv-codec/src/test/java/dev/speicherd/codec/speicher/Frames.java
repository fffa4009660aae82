package dev.speicherd.codec.speicher;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Wire fixtures for the speicher tests: frames from text, hex, and a stream that dribbles. */
final class Frames {

    private Frames() {}

    /** A frame: the 4-byte big-endian length, then the UTF-8 of {@code json}. */
    static byte[] frame(String json) {
        return frame(json.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** Several frames back to back, as a pipelining client sends them. */
    static byte[] frames(String... jsons) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String json : jsons) {
            out.writeBytes(frame(json));
        }
        return out.toByteArray();
    }

    /** Bytes from hex with spaces for readability: {@code "0000 0002 7b7d"}. */
    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
