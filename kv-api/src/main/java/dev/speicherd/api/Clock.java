package dev.speicherd.api;

/**
 * The source of wall-clock time for expiry decisions.
 *
 * <p>Injected everywhere time matters so that tests can advance a fake clock by hand instead of
 * sleeping. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Clock {

    /**
     * Returns the current time.
     *
     * @return milliseconds since the Unix epoch
     */
    long millis();

    /**
     * Returns the clock backed by {@link System#currentTimeMillis()}.
     *
     * @return the system clock
     */
    static Clock system() {
        return System::currentTimeMillis;
    }
}
