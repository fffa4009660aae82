package dev.speicherd.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A key's table hash is the same whether taken of its own array or of a range of a larger one. */
final class KeyTest {

    @Test
    void hashOfARangeIsTheHashOfTheKeyItHolds() {
        Random random = new Random(42);
        for (int length = 0; length <= 260; length++) {
            byte[] key = new byte[length];
            random.nextBytes(key); // the sign bit set in about half of the bytes
            for (int offset : new int[] {0, 1, 3, 17}) {
                byte[] buffer = new byte[offset + length + 5];
                random.nextBytes(buffer);
                System.arraycopy(key, 0, buffer, offset, length);
                assertEquals(Key.hash(key), Key.hash(buffer, offset, length), "length " + length + " at " + offset);
            }
        }
    }

    @Test
    void hashOfARangeReadsOnlyThatRange() {
        byte[] key = "key".getBytes();
        byte[] a = {'x', 'k', 'e', 'y', 'y'};
        byte[] b = {'z', 'k', 'e', 'y', 'z'};
        assertEquals(Key.hash(key), Key.hash(a, 1, 3));
        assertEquals(Key.hash(a, 1, 3), Key.hash(b, 1, 3));
        assertEquals(Key.hash(new byte[0]), Key.hash(a, 2, 0));
    }

    @Test
    void hashIsNeverNegative() {
        byte[] bytes = new byte[8];
        for (int seed = 0; seed < 10_000; seed++) {
            Arrays.fill(bytes, (byte) seed);
            bytes[seed % 8] = (byte) (seed >>> 8);
            assertEquals(Key.hash(bytes) & Integer.MAX_VALUE, Key.hash(bytes));
        }
    }

    @Test
    void aNullKeyIsRefused() {
        assertThrows(NullPointerException.class, () -> Key.hash(null));
    }
}
