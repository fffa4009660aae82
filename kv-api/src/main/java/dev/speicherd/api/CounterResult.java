package dev.speicherd.api;

/** The result of {@link Store#adjust}. */
public sealed interface CounterResult {

    /** The shared result for a missing key. */
    CounterResult NOT_FOUND = new NotFound();
    /** The shared result for a value that is not a decimal 64-bit unsigned number. */
    CounterResult NON_NUMERIC = new NonNumeric();
    /** The shared result for a compare-and-swap whose token is not the live item's. */
    CounterResult EXISTS = new Exists();

    /**
     * The counter now holds {@code value}.
     *
     * @param value the new value, a 64-bit unsigned number (compare with {@link
     *     Long#compareUnsigned}, print with {@link Long#toUnsignedString})
     * @param cas the item's new compare-and-swap token
     */
    record Counted(long value, long cas) implements CounterResult {}

    /** No live item has the key (and no {@link Vivify} was given). */
    record NotFound() implements CounterResult {}

    /** The item's value is not a decimal number of at most 20 digits that fits 64 unsigned bits. */
    record NonNumeric() implements CounterResult {}

    /** A token was given and the live item has another one; nothing changed. */
    record Exists() implements CounterResult {}

    /**
     * Creates the counter when it is missing (memcached's meta {@code ma N} flag).
     *
     * @param initial the 64-bit unsigned value to store; it is not adjusted by the delta
     * @param expiresAt the expiry of the created item, as in {@link Item#expiresAt()}
     */
    record Vivify(long initial, long expiresAt) {}
}
