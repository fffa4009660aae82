package dev.speicherd.server;

import dev.speicherd.api.Item;

/** memcached's exptime rule, written once for the text, meta and binary protocols. */
public final class Expiry {

    /** Up to 30 days an exptime counts seconds from now; past that it is a Unix time. */
    public static final long RELATIVE_LIMIT_SECONDS = 60L * 60 * 24 * 30;

    /** An absolute expiry that has passed for any clock: what a negative exptime becomes. */
    static final long ALREADY_EXPIRED = 1L;

    private Expiry() {}

    /**
     * Turns a client's exptime into an absolute expiry: 0 is never; negative is already expired;
     * up to 30 days is relative seconds; larger is a Unix time in seconds.
     */
    public static long expiresAt(long exptime, long nowMillis) {
        if (exptime == 0) {
            return Item.NEVER;
        }
        if (exptime < 0) {
            return ALREADY_EXPIRED;
        }
        if (exptime <= RELATIVE_LIMIT_SECONDS) {
            return nowMillis + exptime * 1000;
        }
        return exptime * 1000;
    }

    /** The seconds an item has left, rounded up, as meta {@code t} reports it; -1 for never. */
    public static long secondsLeft(long expiresAt, long nowMillis) {
        if (expiresAt == Item.NEVER) {
            return -1;
        }
        return Math.max(0, (expiresAt - nowMillis + 999) / 1000);
    }
}
