package dev.speicherd.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * A key as an operation or a journal sees it: the bytes, compared by content, and their hash in
 * {@link SlotTable}. The array is owned, not copied: the store contract forbids callers to change
 * a key after passing it. The hash is computed once, since every lookup needs it and keys are
 * never changed. The table itself keeps no {@code Key}s: a {@link Slot} carries its own key.
 */
final class Key {

    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
        this.hash = hash(bytes);
        this.bytes = bytes;
    }

    /** A key whose hash is known already, from the slot that holds it. */
    Key(byte[] bytes, int hash) {
        this.bytes = bytes;
        this.hash = hash;
    }

    /**
     * The table hash of a key: 31 bits, well mixed, since the table probes linearly and takes
     * its stripe from the low bits and the position from the high ones. {@code Arrays.hashCode}
     * alone gives keys that differ in their last byte neighbouring hashes. A null key is refused
     * here, where every lookup starts, since {@code Arrays.hashCode} would take it as empty.
     */
    static int hash(byte[] bytes) {
        return mix(Arrays.hashCode(Objects.requireNonNull(bytes, "key")));
    }

    /** murmur3's finalizer, and the sign bit off. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h & Integer.MAX_VALUE;
    }

    /** {@link #hash(byte[])} of {@code length} bytes of {@code bytes} from {@code offset}, without copying them. */
    static int hash(byte[] bytes, int offset, int length) {
        // Arrays.hashCode's polynomial, four bytes a step: four multiplications that do not wait
        // on one another instead of four that do.
        int h = 1;
        int i = offset;
        int end = offset + length;
        for (; i + 4 <= end; i += 4) {
            h = h * (31 * 31 * 31 * 31) + bytes[i] * (31 * 31 * 31) + bytes[i + 1] * (31 * 31)
                    + bytes[i + 2] * 31 + bytes[i + 3];
        }
        for (; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        return mix(h);
    }

    /** Returns the key's bytes; callers must not modify them. */
    byte[] bytes() {
        return bytes;
    }

    /** Returns the number of key bytes. */
    int length() {
        return bytes.length;
    }

    /** Returns the table hash, see {@link #hash(byte[])}. */
    int hash() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "Key[" + bytes.length + " bytes]";
    }
}
