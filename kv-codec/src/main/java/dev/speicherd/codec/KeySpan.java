package dev.speicherd.codec;

/**
 * Where a key lies in a buffer, packed into one {@code long} so that finding it allocates
 * nothing: the offset in the high 32 bits, the length in the low ones. {@link #NONE} when there
 * is no key to be found.
 */
public final class KeySpan {

    /** No key. */
    public static final long NONE = -1;

    private KeySpan() {}

    /** The span of {@code length} bytes from {@code offset}; both must be non-negative. */
    public static long of(int offset, int length) {
        return (long) offset << 32 | length;
    }

    /** The offset of a span other than {@link #NONE}. */
    public static int offset(long span) {
        return (int) (span >>> 32);
    }

    /** The length of a span other than {@link #NONE}. */
    public static int length(long span) {
        return (int) span;
    }
}
