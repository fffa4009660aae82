package dev.speicherd.api;

/** The result of {@link Store#write}. */
public sealed interface WriteResult {

    /** The shared "condition not met" result. */
    WriteResult NOT_STORED = new NotStored();
    /** The shared "compare-and-swap token did not match" result. */
    WriteResult EXISTS = new Exists();
    /** The shared "compare-and-swap on a missing key" result. */
    WriteResult NOT_FOUND = new NotFound();

    /**
     * The value was stored.
     *
     * @param cas the new item's compare-and-swap token
     */
    record Stored(long cas) implements WriteResult {}

    /** The mode's condition was not met (add on a live key; replace, append, prepend on none). */
    record NotStored() implements WriteResult {}

    /** A compare-and-swap found a live item whose token differs. */
    record Exists() implements WriteResult {}

    /** A compare-and-swap found no live item. */
    record NotFound() implements WriteResult {}
}
