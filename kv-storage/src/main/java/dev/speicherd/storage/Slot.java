package dev.speicherd.storage;

import dev.speicherd.api.Item;
import dev.speicherd.api.ItemReader;
import java.util.Arrays;

/**
 * One entry of {@link MemoryStore}: the key, the item's fields, when it was written, and the
 * CLOCK reference bit, in as few objects as the JVM allows, since a cache holds millions of them.
 *
 * <p><b>Layout.</b> A small item is two objects: this slot (48 bytes with compressed oops: a
 * 12-byte header, the hash and reference bit, the flags, three longs and one reference) and one
 * array {@code [key length][key][value]}. That is what {@link Inline} is. An item whose value
 * is over {@link #INLINE_MAX_VALUE_BYTES} or whose key is over {@link #INLINE_MAX_KEY_BYTES}
 * is a {@link Detached} slot holding the caller's key and value arrays as they are: for such an
 * item the saved header is worth less than the copies that {@link Inline} makes on every write
 * and read. There is no {@code Key} or {@code Item} object in the table: {@link #item()} builds
 * an item for a caller that needs one.
 *
 * <p><b>Identity.</b> Every mutation puts a new slot in the table, so a slot's fields never
 * change and a slot can be removed with "remove it if it is still there", knowing exactly what
 * is removed. Equality is identity on purpose, for that conditional removal. Only the reference
 * bit changes: readers set it, and eviction clears it to give a recently read item a second
 * chance. It shares a field with the hash, whose bits never change.
 */
abstract sealed class Slot permits Slot.Inline, Slot.Detached {

    /** The largest value kept in the slot's one array; a larger one keeps its own. */
    static final int INLINE_MAX_VALUE_BYTES = 512;
    /** The largest key whose length fits the one-byte prefix; every memcached key does. */
    static final int INLINE_MAX_KEY_BYTES = 0xFF;

    private static final int REFERENCED = Integer.MIN_VALUE;

    /** The table hash in the low 31 bits, the CLOCK reference bit in the sign bit. */
    private volatile int hashAndReference;
    private final int flags;
    private final long expiresAt;
    private final long cas;
    private final long writtenAt;
    /** Inline: {@code [key length][key][value]}; detached: the key. */
    final byte[] data;

    private Slot(int hash, byte[] data, int flags, long expiresAt, long cas, long writtenAt) {
        // A new slot starts referenced, so that it survives the next pass of the eviction hand.
        this.hashAndReference = hash | REFERENCED;
        this.data = data;
        this.flags = flags;
        this.expiresAt = expiresAt;
        this.cas = cas;
        this.writtenAt = writtenAt;
    }

    /**
     * Makes the slot for an item, inline when key and value are small enough.
     *
     * @param key the key, with its table hash
     * @param value the value; kept as it is by a detached slot, copied by an inline one
     * @param flags the client flags
     * @param expiresAt the expiry, or {@link Item#NEVER}
     * @param cas the item's token
     * @param writtenAt when the item's value was written, for delayed flushes
     * @return the slot
     */
    static Slot of(Key key, byte[] value, int flags, long expiresAt, long cas, long writtenAt) {
        byte[] k = key.bytes();
        if (k.length > INLINE_MAX_KEY_BYTES || value.length > INLINE_MAX_VALUE_BYTES) {
            return new Detached(key.hash(), k, value, flags, expiresAt, cas, writtenAt);
        }
        byte[] data = new byte[1 + k.length + value.length];
        data[0] = (byte) k.length;
        System.arraycopy(k, 0, data, 1, k.length);
        System.arraycopy(value, 0, data, 1 + k.length, value.length);
        return new Inline(key.hash(), data, flags, expiresAt, cas, writtenAt);
    }

    /** Returns this slot's item with another expiry; the key and value arrays are shared. */
    abstract Slot withExpiry(long expiresAt);

    /** Tells whether this slot's key is {@code key}. */
    final boolean hasKey(byte[] key, int hash) {
        return hash() == hash && keyEquals(key);
    }

    abstract boolean keyEquals(byte[] key);

    abstract int keyLength();

    /** Returns the key, with its hash, for a journal; an inline slot copies it out. */
    abstract Key key();

    abstract int valueLength();

    /** Returns the value; an inline slot copies it out, a detached one hands out its own. */
    abstract byte[] value();

    /** Tells whether key and value are held in arrays of their own, see {@link Detached}. */
    abstract boolean isDetached();

    /** Builds the item this slot holds. */
    final Item item() {
        return new Item(value(), flags, expiresAt, cas);
    }

    /**
     * Hands this slot's value, where it lies, with its flags and token to {@code reader}, as the
     * item of the key at {@code keyIndex} of a read.
     */
    final <X extends Exception> void read(int keyIndex, ItemReader<X> reader) throws X {
        reader.read(keyIndex, valueArray(), valueOffset(), valueLength(), flags, cas);
    }

    /** The value's last byte (or 0): reading it brings the end of the value into the cache. */
    final byte lastByte() {
        int length = valueLength();
        return length == 0 ? 0 : valueArray()[valueOffset() + length - 1];
    }

    /** The array the value lies in, from {@link #valueOffset()} for {@link #valueLength()} bytes. */
    abstract byte[] valueArray();

    abstract int valueOffset();

    final int hash() {
        return hashAndReference & Integer.MAX_VALUE;
    }

    final int flags() {
        return flags;
    }

    final long expiresAt() {
        return expiresAt;
    }

    final long cas() {
        return cas;
    }

    final long writtenAt() {
        return writtenAt;
    }

    final boolean isExpiredAt(long now) {
        return expiresAt != Item.NEVER && expiresAt <= now;
    }

    /**
     * Marks the slot as recently read; skips the volatile write when already marked. A race
     * with {@link #clearReference} loses one of the two, which CLOCK can afford.
     */
    final void reference() {
        int h = hashAndReference;
        if (h >= 0) {
            hashAndReference = h | REFERENCED;
        }
    }

    /**
     * Clears the reference bit.
     *
     * @return whether it was set, i.e. whether the slot earns a second chance
     */
    final boolean clearReference() {
        int h = hashAndReference;
        if (h < 0) {
            hashAndReference = h & Integer.MAX_VALUE;
            return true;
        }
        return false;
    }

    /** A small item: key and value in one array, behind a one-byte key length. */
    static final class Inline extends Slot {

        private Inline(int hash, byte[] data, int flags, long expiresAt, long cas, long writtenAt) {
            super(hash, data, flags, expiresAt, cas, writtenAt);
        }

        @Override
        Slot withExpiry(long expiresAt) {
            return new Inline(hash(), data, flags(), expiresAt, cas(), writtenAt());
        }

        @Override
        boolean keyEquals(byte[] key) {
            int length = keyLength();
            return key.length == length && Arrays.equals(data, 1, 1 + length, key, 0, length);
        }

        @Override
        int keyLength() {
            return data[0] & 0xFF;
        }

        @Override
        Key key() {
            return new Key(Arrays.copyOfRange(data, 1, 1 + keyLength()), hash());
        }

        @Override
        int valueLength() {
            return data.length - valueOffset();
        }

        @Override
        byte[] value() {
            return Arrays.copyOfRange(data, valueOffset(), data.length);
        }

        @Override
        byte[] valueArray() {
            return data;
        }

        @Override
        int valueOffset() {
            return 1 + keyLength();
        }

        @Override
        boolean isDetached() {
            return false;
        }
    }

    /** A large item (or one with a long key): the caller's key and value arrays, kept as given. */
    static final class Detached extends Slot {

        private final byte[] value;

        private Detached(int hash, byte[] key, byte[] value, int flags, long expiresAt, long cas, long writtenAt) {
            super(hash, key, flags, expiresAt, cas, writtenAt);
            this.value = value;
        }

        @Override
        Slot withExpiry(long expiresAt) {
            return new Detached(hash(), data, value, flags(), expiresAt, cas(), writtenAt());
        }

        @Override
        boolean keyEquals(byte[] key) {
            return Arrays.equals(data, key);
        }

        @Override
        int keyLength() {
            return data.length;
        }

        @Override
        Key key() {
            return new Key(data, hash());
        }

        @Override
        int valueLength() {
            return value.length;
        }

        @Override
        byte[] value() {
            return value;
        }

        @Override
        byte[] valueArray() {
            return value;
        }

        @Override
        int valueOffset() {
            return 0;
        }

        @Override
        boolean isDetached() {
            return true;
        }
    }
}
