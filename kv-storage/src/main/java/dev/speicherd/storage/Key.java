package dev.speicherd.storage;

import java.util.Arrays;

/**
 * A map key over a byte array, compared by content. The array is owned, not copied: the store
 * contract forbids callers to change a key after passing it. The hash is computed once, since
 * every lookup needs it and keys are never changed.
 */
final class Key {

    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
        if (bytes == null) {
            throw new NullPointerException("key");
        }
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Returns the key's bytes; callers must not modify them. */
    byte[] bytes() {
        return bytes;
    }

    /** Returns the number of key bytes. */
    int length() {
        return bytes.length;
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
