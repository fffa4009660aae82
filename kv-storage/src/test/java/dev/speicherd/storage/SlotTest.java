package dev.speicherd.storage;

import static dev.speicherd.storage.StoreContractTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.api.Item;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A slot keeps every field as given, in both shapes: the one array of a small item, whose
 * header packs the fields into bytes, and the object of a large one.
 */
final class SlotTest {

    /** Key and value lengths at each side of the inline limits. */
    static List<int[]> shapes() {
        return List.of(
                new int[] {1, 0},
                new int[] {Slot.INLINE_MAX_KEY_BYTES, Slot.INLINE_MAX_VALUE_BYTES},
                new int[] {Slot.INLINE_MAX_KEY_BYTES + 1, 1},
                new int[] {1, Slot.INLINE_MAX_VALUE_BYTES + 1});
    }

    private static byte[] filled(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i * 31); // every byte value, the sign bit included
        }
        return bytes;
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void everyFieldComesBackAsGivenAtItsExtremes(int[] shape) {
        byte[] keyBytes = filled(shape[0], 7);
        byte[] value = filled(shape[1], 200);
        Key key = new Key(keyBytes);
        for (long cas : new long[] {1L, Long.MAX_VALUE, -1L}) {
            Object slot = Slot.of(key, value, -1, Long.MIN_VALUE + 1, cas, Long.MAX_VALUE);
            boolean detached = shape[0] > Slot.INLINE_MAX_KEY_BYTES || shape[1] > Slot.INLINE_MAX_VALUE_BYTES;
            assertEquals(detached, Slot.isDetached(slot));
            assertEquals(key.hash(), Slot.hash(slot));
            assertTrue(Slot.hasKey(slot, keyBytes.clone(), key.hash()));
            assertEquals(key, Slot.key(slot));
            assertEquals(shape[0], Slot.keyLength(slot));
            assertEquals(shape[1], Slot.valueLength(slot));
            assertArrayEquals(value, Slot.value(slot));
            assertEquals(-1, Slot.flags(slot));
            assertEquals(Long.MIN_VALUE + 1, Slot.expiresAt(slot));
            assertEquals(cas, Slot.cas(slot));
            assertEquals(Long.MAX_VALUE, Slot.writtenAt(slot));
            assertEquals(shape[1] == 0 ? 0 : value[shape[1] - 1], Slot.lastByte(slot));
            Item item = Slot.item(slot);
            assertArrayEquals(value, item.value());
            assertEquals(new Item(item.value(), -1, Long.MIN_VALUE + 1, cas), item);
            byte[][] read = new byte[1][];
            Slot.read(slot, 3, (index, array, offset, length, flags, token) -> {
                assertEquals(3, index);
                assertEquals(-1, flags);
                assertEquals(cas, token);
                read[0] = Arrays.copyOfRange(array, offset, offset + length);
            });
            assertArrayEquals(value, read[0]);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void anotherKeyOrHashDoesNotMatch(int[] shape) {
        byte[] keyBytes = filled(shape[0], 7);
        Key key = new Key(keyBytes);
        Object slot = Slot.of(key, filled(shape[1], 1), 0, Item.NEVER, 1, 0);
        byte[] other = keyBytes.clone();
        other[other.length - 1]++;
        assertFalse(Slot.hasKey(slot, other, key.hash()), "same hash, another key");
        assertFalse(Slot.hasKey(slot, keyBytes, key.hash() ^ 1), "same key, another hash");
        assertFalse(Slot.hasKey(slot, Arrays.copyOf(keyBytes, keyBytes.length + 1), key.hash()), "a longer key");
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void theReferenceBitComesAndGoesWithoutTouchingTheHash(int[] shape) {
        Key key = new Key(filled(shape[0], 9));
        Object slot = Slot.of(key, filled(shape[1], 2), 0, Item.NEVER, 1, 0);
        assertTrue(Slot.clearReference(slot), "a new slot starts referenced");
        assertFalse(Slot.clearReference(slot));
        assertEquals(key.hash(), Slot.hash(slot));
        Slot.reference(slot);
        Slot.reference(slot);
        assertEquals(key.hash(), Slot.hash(slot));
        assertTrue(Slot.clearReference(slot));
        assertFalse(Slot.clearReference(slot));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void anotherExpiryIsANewSlotWithEverythingElseKept(int[] shape) {
        Key key = new Key(filled(shape[0], 3));
        byte[] value = filled(shape[1], 4);
        Object slot = Slot.of(key, value, 5, Item.NEVER, 6, 7);
        Slot.clearReference(slot);
        Object touched = Slot.withExpiry(slot, 1234);
        assertNotSame(slot, touched);
        assertEquals(Item.NEVER, Slot.expiresAt(slot), "the old slot is unchanged");
        assertEquals(1234, Slot.expiresAt(touched));
        assertEquals(key, Slot.key(touched));
        assertArrayEquals(value, Slot.value(touched));
        assertEquals(5, Slot.flags(touched));
        assertEquals(6, Slot.cas(touched));
        assertEquals(7, Slot.writtenAt(touched));
        assertTrue(Slot.clearReference(touched), "a new slot starts referenced");
        assertTrue(Slot.isExpiredAt(touched, 1234));
        assertFalse(Slot.isExpiredAt(touched, 1233));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void aSmallItemIsOneArrayAndALargeOneKeepsTheArraysItIsGiven(int[] shape) {
        byte[] value = filled(shape[1], 4);
        Object slot = Slot.of(new Key(filled(shape[0], 3)), value, 0, Item.NEVER, 1, 0);
        if (Slot.isDetached(slot)) {
            assertInstanceOf(Slot.Detached.class, slot);
            assertTrue(Slot.value(slot) == value, "held as given");
        } else {
            byte[] array = assertInstanceOf(byte[].class, slot);
            assertEquals(Slot.HEADER_BYTES + shape[0] + shape[1], array.length);
        }
    }
}
