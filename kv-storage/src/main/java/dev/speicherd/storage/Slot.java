package dev.speicherd.storage;

import dev.speicherd.api.Item;

/**
 * What {@link MemoryStore} keeps under one key: the item, when it was written, and the CLOCK
 * reference bit.
 *
 * <p>Every mutation puts a new slot in the map, so a slot's item never changes and a slot can be
 * removed with {@code map.remove(key, slot)} knowing exactly what is removed. Equality is
 * identity on purpose, for that conditional removal. Only the reference bit changes: readers set
 * it, and eviction clears it to give a recently read item a second chance.
 */
final class Slot {

    private final Item item;
    private final long writtenAt;
    private volatile boolean referenced = true;

    /**
     * Creates a slot. It starts referenced, so that a new item survives the next pass of the
     * eviction hand.
     *
     * @param item the item
     * @param writtenAt when the item's value was written, for delayed flushes
     */
    Slot(Item item, long writtenAt) {
        this.item = item;
        this.writtenAt = writtenAt;
    }

    Item item() {
        return item;
    }

    long writtenAt() {
        return writtenAt;
    }

    /** Marks the slot as recently read; skips the volatile write when already marked. */
    void reference() {
        if (!referenced) {
            referenced = true;
        }
    }

    /**
     * Clears the reference bit.
     *
     * @return whether it was set, i.e. whether the slot earns a second chance
     */
    boolean clearReference() {
        if (referenced) {
            referenced = false;
            return true;
        }
        return false;
    }
}
