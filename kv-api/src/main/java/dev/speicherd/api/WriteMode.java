package dev.speicherd.api;

/** How {@link Store#write} treats an existing item; the memcached storage commands, as data. */
public enum WriteMode {
    /** Store unconditionally. */
    SET,
    /** Store only if no live item has the key. */
    ADD,
    /** Store only if a live item has the key. */
    REPLACE,
    /** Add the bytes after an existing item's value, keeping its flags and expiry. */
    APPEND,
    /** Add the bytes before an existing item's value, keeping its flags and expiry. */
    PREPEND
}
