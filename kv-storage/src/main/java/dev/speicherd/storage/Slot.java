package dev.speicherd.storage;

import dev.speicherd.api.Item;

/**
 * What {@link MemoryStore} keeps under one key: the item's fields, when it was written, and the
 * CLOCK reference bit. The item's fields are held here rather than in an {@link Item}, which
 * would cost one more object per entry; {@link #item()} builds one for a caller that needs it.
 *
 * <p>Every mutation puts a new slot in the map, so a slot's item never changes and a slot can be
 * removed with {@code map.remove(key, slot)} knowing exactly what is removed. Equality is
 * identity on purpose, for that conditional removal. Only the reference bit changes: readers set
 * it, and eviction clears it to give a recently read item a second chance.
 */
final class Slot {

    private final byte[] value;
    private final int flags;
    private final long expiresAt;
    private final long cas;
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
        this.value = item.value();
        this.flags = item.flags();
        this.expiresAt = item.expiresAt();
        this.cas = item.cas();
        this.writtenAt = writtenAt;
    }

    Item item() {
        return new Item(value, flags, expiresAt, cas);
    }

    byte[] value() {
        return value;
    }

    long cas() {
        return cas;
    }

    boolean isExpiredAt(long now) {
        return expiresAt != Item.NEVER && expiresAt <= now;
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
