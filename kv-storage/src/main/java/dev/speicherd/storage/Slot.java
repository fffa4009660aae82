package dev.speicherd.storage;

import dev.speicherd.api.Item;
import dev.speicherd.api.ItemReader;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The entries of {@link MemoryStore}'s table: an item's key, fields, write time and CLOCK
 * reference bit, in as few objects as the JVM allows, since a cache holds millions of them.
 * A slot is held as a plain {@code Object} and read through the static methods of this class.
 *
 * <p><b>Layout.</b> A small item is <em>one</em> {@code byte[]}, header, key and value together:
 * <pre>
 *   [0, 4)   table hash in the low 31 bits, CLOCK reference bit in the sign bit
 *   [4, 8)   flags
 *   [8, 16)  expiry, or {@link Item#NEVER}
 *   [16, 24) token (cas)
 *   [24, 32) when the value was written
 *   [32]     key length
 *   [33, ..) key, then value
 * </pre>
 * in the processor's byte order (it never leaves the process). One object rather than a slot
 * object and its array: the lookup that finds the key also finds the fields and the value in
 * the same cache lines, and a young collection copies one object per item written, not two.
 * An item whose value is over {@link #INLINE_MAX_VALUE_BYTES} or whose key is over
 * {@link #INLINE_MAX_KEY_BYTES} is a {@link Detached} object holding the caller's key and value
 * arrays as they are: for such an item the saved header is worth less than the copies that the
 * one array costs on every write and on every {@link #value} read.
 *
 * <p><b>Identity.</b> Every mutation puts a new slot in the table, so a slot's fields never
 * change and a slot can be removed with "remove it if it is still there", knowing exactly what
 * is removed: equality is identity. Only the reference bit changes: readers set it, and eviction
 * clears it to give a recently read item a second chance. It shares its word with the hash,
 * whose bits never change.
 */
final class Slot {

    /** The largest value kept in the slot's one array; a larger one keeps its own. */
    static final int INLINE_MAX_VALUE_BYTES = 512;
    /** The largest key whose length fits the one-byte length; every memcached key does. */
    static final int INLINE_MAX_KEY_BYTES = 0xFF;
    /** The bytes of an inline slot's array before its key. */
    static final int HEADER_BYTES = 33;

    private static final int REFERENCED = Integer.MIN_VALUE;
    private static final int HASH = 0;
    private static final int FLAGS = 4;
    private static final int EXPIRES_AT = 8;
    private static final int CAS = 16;
    private static final int WRITTEN_AT = 24;
    private static final int KEY_LENGTH = 32;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private Slot() {}

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
    static Object of(Key key, byte[] value, int flags, long expiresAt, long cas, long writtenAt) {
        byte[] k = key.bytes();
        if (k.length > INLINE_MAX_KEY_BYTES || value.length > INLINE_MAX_VALUE_BYTES) {
            return new Detached(key.hash(), k, value, flags, expiresAt, cas, writtenAt);
        }
        byte[] slot = new byte[HEADER_BYTES + k.length + value.length];
        // A new slot starts referenced, so that it survives the next pass of the eviction hand.
        INT.set(slot, HASH, key.hash() | REFERENCED);
        INT.set(slot, FLAGS, flags);
        LONG.set(slot, EXPIRES_AT, expiresAt);
        LONG.set(slot, CAS, cas);
        LONG.set(slot, WRITTEN_AT, writtenAt);
        slot[KEY_LENGTH] = (byte) k.length;
        System.arraycopy(k, 0, slot, HEADER_BYTES, k.length);
        System.arraycopy(value, 0, slot, HEADER_BYTES + k.length, value.length);
        return slot;
    }

    /** Returns {@code slot}'s item with another expiry: a new slot, new reference bit included. */
    static Object withExpiry(Object slot, long expiresAt) {
        if (slot instanceof byte[] inline) {
            byte[] touched = inline.clone();
            INT.set(touched, HASH, hash(slot) | REFERENCED);
            LONG.set(touched, EXPIRES_AT, expiresAt);
            return touched;
        }
        Detached d = (Detached) slot;
        return new Detached(d.hash(), d.key, d.value, d.flags, expiresAt, d.cas, d.writtenAt);
    }

    /** Tells whether {@code slot}'s key is {@code key}, whose table hash is {@code hash}. */
    static boolean hasKey(Object slot, byte[] key, int hash) {
        if (slot instanceof byte[] inline) {
            int length = inline[KEY_LENGTH] & 0xFF;
            return hash(slot) == hash
                    && key.length == length
                    && Arrays.equals(inline, HEADER_BYTES, HEADER_BYTES + length, key, 0, length);
        }
        Detached d = (Detached) slot;
        return d.hash() == hash && Arrays.equals(d.key, key);
    }

    static int keyLength(Object slot) {
        return slot instanceof byte[] inline ? inline[KEY_LENGTH] & 0xFF : ((Detached) slot).key.length;
    }

    /** Returns the key, with its hash, for a journal; an inline slot copies it out. */
    static Key key(Object slot) {
        if (slot instanceof byte[] inline) {
            return new Key(Arrays.copyOfRange(inline, HEADER_BYTES, valueOffset(inline)), hash(slot));
        }
        Detached d = (Detached) slot;
        return new Key(d.key, d.hash());
    }

    static int valueLength(Object slot) {
        return slot instanceof byte[] inline ? inline.length - valueOffset(inline) : ((Detached) slot).value.length;
    }

    /** Returns the value; an inline slot copies it out, a detached one hands out its own. */
    static byte[] value(Object slot) {
        if (slot instanceof byte[] inline) {
            return Arrays.copyOfRange(inline, valueOffset(inline), inline.length);
        }
        return ((Detached) slot).value;
    }

    /** Tells whether key and value are held in arrays of their own, see {@link Detached}. */
    static boolean isDetached(Object slot) {
        return !(slot instanceof byte[]);
    }

    /** Builds the item {@code slot} holds. */
    static Item item(Object slot) {
        return new Item(value(slot), flags(slot), expiresAt(slot), cas(slot));
    }

    /**
     * Hands {@code slot}'s value, where it lies, with its flags and token to {@code reader}, as
     * the item of the key at {@code keyIndex} of a read.
     */
    static <X extends Exception> void read(Object slot, int keyIndex, ItemReader<X> reader) throws X {
        if (slot instanceof byte[] inline) {
            int offset = valueOffset(inline);
            reader.read(keyIndex, inline, offset, inline.length - offset,
                    (int) INT.get(inline, FLAGS), (long) LONG.get(inline, CAS));
        } else {
            Detached d = (Detached) slot;
            reader.read(keyIndex, d.value, 0, d.value.length, d.flags, d.cas);
        }
    }

    /** The value's last byte (or 0): reading it brings the end of the value into the cache. */
    static byte lastByte(Object slot) {
        if (slot instanceof byte[] inline) {
            return inline.length == valueOffset(inline) ? 0 : inline[inline.length - 1];
        }
        byte[] value = ((Detached) slot).value;
        return value.length == 0 ? 0 : value[value.length - 1];
    }

    static int hash(Object slot) {
        return word(slot) & Integer.MAX_VALUE;
    }

    static int flags(Object slot) {
        return slot instanceof byte[] inline ? (int) INT.get(inline, FLAGS) : ((Detached) slot).flags;
    }

    static long expiresAt(Object slot) {
        return slot instanceof byte[] inline ? (long) LONG.get(inline, EXPIRES_AT) : ((Detached) slot).expiresAt;
    }

    static long cas(Object slot) {
        return slot instanceof byte[] inline ? (long) LONG.get(inline, CAS) : ((Detached) slot).cas;
    }

    static long writtenAt(Object slot) {
        return slot instanceof byte[] inline ? (long) LONG.get(inline, WRITTEN_AT) : ((Detached) slot).writtenAt;
    }

    static boolean isExpiredAt(Object slot, long now) {
        long expiresAt = expiresAt(slot);
        return expiresAt != Item.NEVER && expiresAt <= now;
    }

    /**
     * Marks {@code slot} as recently read; skips the write when already marked. A race with
     * {@link #clearReference} loses one of the two, which CLOCK can afford.
     */
    static void reference(Object slot) {
        int word = word(slot);
        if (word >= 0) {
            setWord(slot, word | REFERENCED);
        }
    }

    /**
     * Clears the reference bit.
     *
     * @return whether it was set, i.e. whether the slot earns a second chance
     */
    static boolean clearReference(Object slot) {
        int word = word(slot);
        if (word < 0) {
            setWord(slot, word & Integer.MAX_VALUE);
            return true;
        }
        return false;
    }

    /**
     * The hash and reference word, the only part of a slot that changes. Plain for an inline
     * slot: a view of a {@code byte[]} offers no other access mode, its alignment not being
     * guaranteed. A write may then be seen late by another thread, which costs CLOCK at most
     * one wrong guess about a recent read; the hash bits never change.
     */
    private static int word(Object slot) {
        return slot instanceof byte[] inline ? (int) INT.get(inline, HASH) : ((Detached) slot).word;
    }

    private static void setWord(Object slot, int word) {
        if (slot instanceof byte[] inline) {
            INT.set(inline, HASH, word);
        } else {
            ((Detached) slot).word = word;
        }
    }

    private static int valueOffset(byte[] inline) {
        return HEADER_BYTES + (inline[KEY_LENGTH] & 0xFF);
    }

    /** A large item (or one with a long key): the caller's key and value arrays, kept as given. */
    static final class Detached {

        /** As an inline slot's first word: the hash, and the reference bit in the sign bit. */
        private volatile int word;
        private final int flags;
        private final long expiresAt;
        private final long cas;
        private final long writtenAt;
        private final byte[] key;
        private final byte[] value;

        private Detached(int hash, byte[] key, byte[] value, int flags, long expiresAt, long cas, long writtenAt) {
            this.word = hash | REFERENCED;
            this.key = key;
            this.value = value;
            this.flags = flags;
            this.expiresAt = expiresAt;
            this.cas = cas;
            this.writtenAt = writtenAt;
        }

        private int hash() {
            return word & Integer.MAX_VALUE;
        }
    }
}
