package dev.speicherd.codec.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.speicherd.codec.KeySpan;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link MemcachedBinaryReader#keyOfNext} finds a request's key past its extras, once it is all there. */
final class KeyOfNextTest {

    private static final int GET = 0x00;
    private static final int SET = 0x01;
    private static final int NOOP = 0x0a;

    /** The key of {@code request}, found where it starts {@code at} bytes into a larger buffer, of which {@code to} bytes have arrived. */
    private static String keyOf(byte[] request, int at, int arrived) {
        byte[] bytes = new byte[at + request.length + 3];
        System.arraycopy(request, 0, bytes, at, request.length);
        long span = MemcachedBinaryReader.keyOfNext(bytes, at, at + arrived);
        return span == KeySpan.NONE
                ? null
                : new String(bytes, KeySpan.offset(span), KeySpan.length(span), StandardCharsets.ISO_8859_1);
    }

    private static String keyOf(byte[] request, int at) {
        return keyOf(request, at, request.length);
    }

    @Test
    void findsTheKeyOfAGetAndOfASetPastItsExtras() {
        assertEquals("k1", keyOf(Packets.request(GET, "k1"), 0));
        assertEquals("k1", keyOf(Packets.request(GET, "k1"), 7));
        byte[] set = Packets.request(SET, Packets.setExtras(0, 0), "k1", "hello".getBytes(StandardCharsets.US_ASCII), 0);
        assertEquals("k1", keyOf(set, 0));
        assertEquals("k1", keyOf(set, set.length - 5, 24 + 8 + 2)); // the value need not have arrived
    }

    @Test
    void findsNoKeyBeforeItHasAllArrived() {
        byte[] get = Packets.request(GET, "k1");
        assertEquals(null, keyOf(get, 0, get.length - 1));
        assertEquals(null, keyOf(get, 0, 23));
        assertEquals(null, keyOf(get, 0, 0));
    }

    @Test
    void findsNoKeyInARequestWithoutOneOrWithABadMagicByte() {
        assertEquals(null, keyOf(Packets.request(NOOP, ""), 0));
        byte[] response = Packets.request(GET, "k1");
        response[0] = (byte) 0x81;
        assertEquals(null, keyOf(response, 0));
    }

    @Test
    void aKeyAtTheLengthLimitIsFoundAndOneLongerIsNot() {
        char[] longest = new char[MemcachedBinaryReader.MAX_KEY_BYTES];
        Arrays.fill(longest, 'k');
        assertEquals(new String(longest), keyOf(Packets.request(GET, new String(longest)), 0));
        assertEquals(null, keyOf(Packets.request(GET, new String(longest) + "k"), 0));
    }
}
