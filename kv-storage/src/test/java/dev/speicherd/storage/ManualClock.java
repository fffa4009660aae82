package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that moves only when a test moves it, so expiry tests never sleep.
 * Thread-safe.
 */
public final class ManualClock implements Clock {

    /** Where a clock made with {@link #ManualClock()} starts: 2023-11-14T22:13:20Z. */
    public static final long DEFAULT_START_MILLIS = 1_700_000_000_000L;

    private final AtomicLong now;

    /** Creates a clock at {@link #DEFAULT_START_MILLIS}. */
    public ManualClock() {
        this(DEFAULT_START_MILLIS);
    }

    /**
     * Creates a clock at the given time.
     *
     * @param startMillis the initial time in epoch milliseconds
     */
    public ManualClock(long startMillis) {
        this.now = new AtomicLong(startMillis);
    }

    @Override
    public long millis() {
        return now.get();
    }

    /**
     * Moves the clock forward.
     *
     * @param millis how far, in milliseconds; must not be negative
     * @return the new time
     */
    public long advance(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("a clock does not go back: " + millis);
        }
        return now.addAndGet(millis);
    }

    /**
     * Moves the clock forward.
     *
     * @param duration how far; must not be negative
     * @return the new time
     */
    public long advance(Duration duration) {
        return advance(duration.toMillis());
    }
}
