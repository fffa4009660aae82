package dev.speicherd.api;

/**
 * The store could not carry out a mutation for a reason of its own, such as a log that cannot be
 * written. The mutation was not applied: nothing it would have changed is visible to readers.
 * Protocols answer it with their server-error reply ({@code SERVER_ERROR}, status 503).
 */
public final class StorageException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message what failed, fit to show a client
     * @param cause the underlying failure, or null
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
