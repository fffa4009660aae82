package dev.speicherd.api;

/** The result of reading (or touching) one key. */
public sealed interface Lookup {

    /** The shared result for a key with no live item. */
    Lookup MISS = new Miss();

    /**
     * A live item was found.
     *
     * @param item the item as it is after the operation
     */
    record Hit(Item item) implements Lookup {}

    /** No live item has the key. Use {@link Lookup#MISS}. */
    record Miss() implements Lookup {}
}
