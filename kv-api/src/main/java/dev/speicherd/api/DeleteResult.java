package dev.speicherd.api;

/** The result of {@link Store#delete}. Carries no data, so it is an enum. */
public enum DeleteResult {
    /** The live item was removed. */
    DELETED,
    /** No live item had the key. */
    NOT_FOUND,
    /** A compare-and-swap token was given and did not match the live item's. */
    EXISTS
}
