package dev.speicherd.codec.speicher;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A growable byte array that JSON text is appended to in UTF-8, reused from one frame to the
 * next.
 *
 * <p>Gson's own writer is not used for values because it goes through {@code char}s: a lone
 * surrogate (which JSON's {@code \u005cuXXXX} escapes can express) would reach the UTF-8
 * encoder as a character it replaces with {@code ?}. Here such a surrogate stays an escape, so
 * whatever a client sent comes back equal. Numbers are written with the exact text they were
 * parsed from ({@link com.google.gson.internal.LazilyParsedNumber}), and nothing is
 * HTML-escaped.
 */
final class JsonBuffer {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final int initialCapacity;
    private byte[] bytes;
    private int size;

    JsonBuffer(int initialCapacity) {
        this.initialCapacity = initialCapacity;
        this.bytes = new byte[initialCapacity];
    }

    /** Empties the buffer; drops a backing array grown past {@code retainedCapacity}. */
    void clear(int retainedCapacity) {
        size = 0;
        if (bytes.length > retainedCapacity) {
            bytes = new byte[initialCapacity];
        }
    }

    int size() {
        return size;
    }

    /** The backing array; valid up to {@link #size()} until the next append. */
    byte[] array() {
        return bytes;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    JsonBuffer append(byte b) {
        ensure(1);
        bytes[size++] = b;
        return this;
    }

    JsonBuffer append(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    /** Overwrites four bytes at {@code at} with {@code value}, big-endian. */
    void putInt(int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    /**
     * Appends a parsed JSON value. Recursion depth is bounded by the nesting the parser let
     * through ({@link JsonValidator#MAX_DEPTH}).
     */
    JsonBuffer appendValue(JsonElement element) {
        if (element instanceof JsonObject object) {
            append((byte) '{');
            boolean first = true;
            for (Map.Entry<String, JsonElement> member : object.entrySet()) {
                if (!first) {
                    append((byte) ',');
                }
                first = false;
                appendString(member.getKey()).append((byte) ':').appendValue(member.getValue());
            }
            return append((byte) '}');
        } else if (element instanceof JsonArray array) {
            append((byte) '[');
            for (int i = 0; i < array.size(); i++) {
                if (i > 0) {
                    append((byte) ',');
                }
                appendValue(array.get(i));
            }
            return append((byte) ']');
        } else if (element instanceof JsonPrimitive primitive) {
            if (primitive.isString()) {
                return appendString(primitive.getAsString());
            }
            // Booleans print as true/false; numbers as the exact text they were parsed from.
            return appendAscii(primitive.isBoolean()
                    ? String.valueOf(primitive.getAsBoolean())
                    : primitive.getAsNumber().toString());
        } else if (element instanceof JsonNull) {
            return appendAscii("null");
        }
        throw new IllegalArgumentException("not a JSON element Gson makes: " + element.getClass());
    }

    /** Appends {@code s} as a JSON string literal, quotes included. */
    JsonBuffer appendString(String s) {
        ensure(s.length() + 2);
        append((byte) '"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                appendAsciiChar(c);
            } else if (c < 0x800) {
                ensure(2);
                bytes[size++] = (byte) (0xc0 | (c >>> 6));
                bytes[size++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                bytes[size++] = (byte) (0xf0 | (cp >>> 18));
                bytes[size++] = (byte) (0x80 | ((cp >>> 12) & 0x3f));
                bytes[size++] = (byte) (0x80 | ((cp >>> 6) & 0x3f));
                bytes[size++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                appendUnicodeEscape(c);
            } else {
                ensure(3);
                bytes[size++] = (byte) (0xe0 | (c >>> 12));
                bytes[size++] = (byte) (0x80 | ((c >>> 6) & 0x3f));
                bytes[size++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        return append((byte) '"');
    }

    private void appendAsciiChar(char c) {
        switch (c) {
            case '"' -> appendAscii("\\\"");
            case '\\' -> appendAscii("\\\\");
            case '\n' -> appendAscii("\\n");
            case '\r' -> appendAscii("\\r");
            case '\t' -> appendAscii("\\t");
            case '\b' -> appendAscii("\\b");
            case '\f' -> appendAscii("\\f");
            default -> {
                if (c < 0x20) {
                    appendUnicodeEscape(c);
                } else {
                    append((byte) c);
                }
            }
        }
    }

    private void appendUnicodeEscape(char c) {
        ensure(6);
        bytes[size++] = '\\';
        bytes[size++] = 'u';
        bytes[size++] = HEX[(c >>> 12) & 0xf];
        bytes[size++] = HEX[(c >>> 8) & 0xf];
        bytes[size++] = HEX[(c >>> 4) & 0xf];
        bytes[size++] = HEX[c & 0xf];
    }

    private JsonBuffer appendAscii(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    private void ensure(int extra) {
        long needed = (long) size + extra;
        if (needed > bytes.length) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new OutOfMemoryError("JSON text of " + needed + " bytes is too large for an array");
            }
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * bytes.length)));
        }
    }
}
