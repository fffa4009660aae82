package dev.speicherd.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys a run uses and the one value each key ever holds, so that every reply can be checked:
 * key {@code i} is {@code key:} and {@code i} in ten digits; its value is {@code i} in ten digits
 * (the last digits, when the value is shorter) followed by letters that start at a key-dependent
 * place in the alphabet. A reply for another key, a truncated or a shifted value does not match.
 *
 * <p>Values are letters and digits only, so the same bytes are a JSON string's content without
 * escaping. Immutable and thread-safe.
 */
final class KeySpace {

    private static final int DIGITS = 10;

    private final int size;
    private final int valueBytes;
    private final byte[][] keys;

    KeySpace(int size, int valueBytes) {
        if (size < 1) {
            throw new IllegalArgumentException("key space must hold at least one key: " + size);
        }
        if (valueBytes < 1) {
            throw new IllegalArgumentException("values must have at least one byte: " + valueBytes);
        }
        this.size = size;
        this.valueBytes = valueBytes;
        this.keys = new byte[size][];
        for (int i = 0; i < size; i++) {
            keys[i] = ("key:" + digits(i)).getBytes(StandardCharsets.US_ASCII);
        }
    }

    int size() {
        return size;
    }

    int valueBytes() {
        return valueBytes;
    }

    /** Key {@code i}'s bytes; callers must not modify them. */
    byte[] key(int i) {
        return keys[i];
    }

    /** Writes key {@code i}'s value, {@link #valueBytes()} bytes, at {@code to[at]}. */
    void value(int i, byte[] to, int at) {
        int head = Math.min(DIGITS, valueBytes);
        int rest = i;
        for (int d = head - 1; d >= 0; d--) { // the last head digits of i in ten, no allocation
            to[at + d] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        int shift = i % 26;
        for (int b = head; b < valueBytes; b++) {
            to[at + b] = (byte) ('a' + (b + shift) % 26);
        }
    }

    /** Key {@code i}'s value as a new array. */
    byte[] value(int i) {
        byte[] value = new byte[valueBytes];
        value(i, value, 0);
        return value;
    }

    /**
     * Tells whether {@code length} bytes at {@code from[at]} are key {@code i}'s value.
     *
     * @param scratch at least {@link #valueBytes()} bytes to build the expected value in
     */
    boolean matches(int i, byte[] from, int at, int length, byte[] scratch) {
        if (length != valueBytes) {
            return false;
        }
        value(i, scratch, 0);
        return Arrays.equals(scratch, 0, valueBytes, from, at, at + length);
    }

    private static String digits(int i) {
        String s = Integer.toString(i);
        return "0".repeat(DIGITS - s.length()) + s;
    }
}
