package dev.speicherd.codec.speicher;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A speicher request, as {@link SpeicherFrameReader} decodes it. Keys are the UTF-8 bytes of the
 * JSON string the client sent; a value is the compact JSON text (UTF-8) of the JSON value the
 * client sent, which is what the store keeps and a memcached {@code get} returns.
 */
public sealed interface SpeicherCommand {

    /**
     * {@code {"command":"SET","key":...,"value":...}}: store the value under the key.
     *
     * @param key the key's UTF-8 bytes, 1 to {@link SpeicherFrameReader#MAX_KEY_BYTES} long
     * @param valueJson the value's JSON text in UTF-8; {@code null} on the wire is {@code "null"}
     *     here
     */
    record Set(byte[] key, byte[] valueJson) implements SpeicherCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Set other && Arrays.equals(key, other.key) && Arrays.equals(valueJson, other.valueJson);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(key) + Arrays.hashCode(valueJson);
        }

        @Override
        public String toString() {
            return "Set[key=" + text(key) + ", value=" + valueJson.length + " bytes]";
        }
    }

    /**
     * {@code {"command":"GET","key":...}}: read the value under the key.
     *
     * @param key the key's UTF-8 bytes
     */
    record Get(byte[] key) implements SpeicherCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Get other && Arrays.equals(key, other.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Get[key=" + text(key) + "]";
        }
    }

    /**
     * {@code {"command":"DEL","key":...}}: remove the key.
     *
     * @param key the key's UTF-8 bytes
     */
    record Delete(byte[] key) implements SpeicherCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Delete other && Arrays.equals(key, other.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Delete[key=" + text(key) + "]";
        }
    }

    /** {@code {"command":"RST"}}: remove every key. */
    record Reset() implements SpeicherCommand {}

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
