package dev.speicherd.api;

import java.util.Arrays;

/**
 * One stored value with its metadata, as a store hands it out.
 *
 * <p>Immutable by contract: neither the store nor a caller may modify {@link #value()} after the
 * item is built. The array is not copied, so that a value read from the network reaches the
 * socket again without a copy.
 *
 * @param value the value bytes, never {@code null}
 * @param flags 32 opaque bits the client stored with the value (memcached "client flags")
 * @param expiresAt the absolute expiry in epoch milliseconds, or {@link #NEVER} for no expiry
 * @param cas the unique compare-and-swap token; a store gives every mutation a new, larger one
 */
public record Item(byte[] value, int flags, long expiresAt, long cas) {

    /** The {@link #expiresAt()} of an item that never expires. */
    public static final long NEVER = 0L;

    /**
     * Creates an item.
     *
     * @throws NullPointerException if {@code value} is null
     */
    public Item {
        if (value == null) {
            throw new NullPointerException("value");
        }
    }

    /**
     * Tells whether this item has expired at the given time.
     *
     * @param nowMillis the current time in epoch milliseconds
     * @return true when the item has an expiry at or before {@code nowMillis}
     */
    public boolean isExpiredAt(long nowMillis) {
        return expiresAt != NEVER && expiresAt <= nowMillis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Item other
                && flags == other.flags
                && expiresAt == other.expiresAt
                && cas == other.cas
                && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(value) + flags) + Long.hashCode(expiresAt))
                + Long.hashCode(cas);
    }

    @Override
    public String toString() {
        return "Item[" + value.length + " bytes, flags=" + Integer.toUnsignedString(flags)
                + ", expiresAt=" + expiresAt + ", cas=" + cas + "]";
    }
}
