package dev.speicherd.codec.speicher;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * How the bytes of a stored item read over the speicher protocol, whichever protocol wrote them.
 *
 * <p>A speicher {@code SET} stores the value's compact JSON text, so its bytes are JSON and come
 * back as they are. An item written over memcached may hold any bytes: when they are one strict
 * JSON text (RFC 8259: one value, whitespace around it allowed, valid UTF-8) they are that value;
 * otherwise they read as a JSON string of the bytes decoded as UTF-8, each malformed sequence
 * replaced by U+FFFD. So {@code 42} reads as the number 42, {@code {"a":1}} as an object, {@code
 * hello} as the string {@code "hello"}, and the empty value as {@code ""}.
 */
public final class SpeicherValues {

    private SpeicherValues() {}

    /**
     * Maps stored bytes to the JSON text a speicher {@code GET} answers with.
     *
     * @param stored an item's value bytes
     * @return {@code stored} itself when it is one JSON text; a new array holding a JSON string
     *     otherwise
     */
    public static byte[] toJson(byte[] stored) {
        if (JsonValidator.isValid(stored)) {
            return stored;
        }
        return new JsonBuffer(stored.length + 2).appendString(new String(stored, UTF_8)).toByteArray();
    }

    /**
     * Tells whether bytes are one strict JSON text, as {@link #toJson} decides it. Allocates
     * nothing.
     *
     * @param bytes the bytes
     * @return true when they are returned by {@link #toJson} unchanged
     */
    public static boolean isJson(byte[] bytes) {
        return JsonValidator.isValid(bytes);
    }
}
