package dev.speicherd.codec.speicher;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that JSON text is appended to in UTF-8, reused from one frame to the
 * next.
 *
 * <p>Strings are written in one compact form: only {@code "}, {@code \u005c} and control
 * characters are escaped (the common ones as {@code \u005cn} and the like, the rest as {@code
 * \u005cu00XX}), nothing is HTML-escaped, and everything else is UTF-8. A lone surrogate (which
 * JSON's {@code \u005cuXXXX} escapes can express and UTF-8 cannot) stays an escape, so whatever
 * a client sent comes back equal.
 */
final class JsonBuffer {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int HEX_RADIX = 16;
    /** {@code \u005cuXXXX}. */
    private static final int UNICODE_ESCAPE_LENGTH = 6;
    /** {@code \u005cn} and the like. */
    private static final int SHORT_ESCAPE_LENGTH = 2;

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

    /** Appends {@code length} bytes of {@code b} from {@code offset}. */
    JsonBuffer append(byte[] b, int offset, int length) {
        ensure(length);
        System.arraycopy(b, offset, bytes, size, length);
        size += length;
        return this;
    }

    /** Drops what was appended after the buffer had {@code newSize} bytes. */
    void truncate(int newSize) {
        size = newSize;
    }

    /** Appends {@code s} as a JSON string literal, quotes included. */
    JsonBuffer appendString(String s) {
        ensure(s.length() + 2);
        append((byte) '"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                appendCodePoint(Character.toCodePoint(c, s.charAt(++i)));
            } else {
                appendChar(c, true);
            }
        }
        return append((byte) '"');
    }

    /**
     * Appends a JSON string literal of strict JSON text, decoded. As JSON it comes out as {@link
     * #appendString} writes the same characters (quotes included; {@code \u005c/} and needless
     * {@code \u005cuXXXX} escapes undone, the rest with lowercase hex), so that equal strings
     * have equal bytes; bare it is the characters' UTF-8. A surrogate escape directly followed by
     * an escape of its partner is one character; any other surrogate escape stays an escape as
     * JSON and cannot be written bare.
     *
     * @param json text that {@link JsonValidator} accepted
     * @param i the index just after the literal's opening quote
     * @param asJson whether to append a JSON literal rather than bare UTF-8
     * @return the index after the closing quote; bare, its complement ({@code ~}, negative) when
     *     there was an unpaired surrogate, which is then left out
     */
    int appendStringLiteral(byte[] json, int i, boolean asJson) {
        if (asJson) {
            append((byte) '"');
        }
        boolean unpaired = false;
        while (true) {
            int run = i;
            while (json[i] != '"' && json[i] != '\\') {
                i++; // UTF-8 that JsonValidator accepted is copied as it is
            }
            append(json, run, i - run);
            if (json[i] == '"') {
                break;
            }
            char c = escapedChar(json, i);
            i += escapeLength(json, i);
            if (Character.isHighSurrogate(c) && json[i] == '\\' && json[i + 1] == 'u'
                    && Character.isLowSurrogate(escapedChar(json, i))) {
                appendCodePoint(Character.toCodePoint(c, escapedChar(json, i)));
                i += UNICODE_ESCAPE_LENGTH;
            } else if (Character.isSurrogate(c) && !asJson) {
                unpaired = true;
            } else {
                appendChar(c, asJson);
            }
        }
        if (asJson) {
            append((byte) '"');
        }
        return unpaired ? ~(i + 1) : i + 1;
    }

    /** The character the escape at {@code json[backslash]} stands for. */
    static char escapedChar(byte[] json, int backslash) {
        return switch (json[backslash + 1]) {
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> (char) (hexDigit(json[backslash + 2]) << 12 | hexDigit(json[backslash + 3]) << 8
                    | hexDigit(json[backslash + 4]) << 4 | hexDigit(json[backslash + 5]));
            default -> (char) json[backslash + 1]; // '"', '\\' and '/' stand for themselves
        };
    }

    /** How many bytes the escape at {@code json[backslash]} has. */
    static int escapeLength(byte[] json, int backslash) {
        return json[backslash + 1] == 'u' ? UNICODE_ESCAPE_LENGTH : SHORT_ESCAPE_LENGTH;
    }

    private static int hexDigit(byte b) {
        return Character.digit(b, HEX_RADIX);
    }

    /**
     * Appends one UTF-16 unit that is not half of a pair: as JSON (escaped where JSON needs it,
     * a surrogate as an escape), or bare.
     */
    private void appendChar(char c, boolean asJson) {
        if (c < 0x80) {
            if (asJson) {
                appendAsciiChar(c);
            } else {
                append((byte) c);
            }
        } else if (c < 0x800) {
            ensure(2);
            bytes[size++] = (byte) (0xc0 | (c >>> 6));
            bytes[size++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isSurrogate(c)) {
            appendUnicodeEscape(c);
        } else {
            ensure(3);
            bytes[size++] = (byte) (0xe0 | (c >>> 12));
            bytes[size++] = (byte) (0x80 | ((c >>> 6) & 0x3f));
            bytes[size++] = (byte) (0x80 | (c & 0x3f));
        }
    }

    private void appendCodePoint(int cp) {
        ensure(4);
        bytes[size++] = (byte) (0xf0 | (cp >>> 18));
        bytes[size++] = (byte) (0x80 | ((cp >>> 12) & 0x3f));
        bytes[size++] = (byte) (0x80 | ((cp >>> 6) & 0x3f));
        bytes[size++] = (byte) (0x80 | (cp & 0x3f));
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
