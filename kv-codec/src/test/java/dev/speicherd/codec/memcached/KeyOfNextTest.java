package dev.speicherd.codec.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.speicherd.codec.KeySpan;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link MemcachedTextReader#keyOfNext} finds the key of every command whose second word is one,
 * anywhere in a buffer, and nothing where there is no whole key.
 */
final class KeyOfNextTest {

    /** The key of {@code line}, found where it starts {@code at} bytes into a larger buffer. */
    private static String keyOf(String line, int at) {
        byte[] bytes = new byte[at + line.length() + 3];
        System.arraycopy(line.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, at, line.length());
        long span = MemcachedTextReader.keyOfNext(bytes, at, at + line.length());
        return span == KeySpan.NONE
                ? null
                : new String(bytes, KeySpan.offset(span), KeySpan.length(span), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "get k1\r\n", "gets k1\r\n", "get k1 k2 k3\r\n", "set k1 0 0 5\r\nhello\r\n", "add k1 0 0 1\r\n",
        "replace k1 0 0 1\r\n", "append k1 0 0 1\r\n", "prepend k1 0 0 1\r\n", "cas k1 0 0 1 7\r\n",
        "delete k1\r\n", "delete k1 noreply\r\n", "incr k1 1\r\n", "decr k1 1\r\n", "touch k1 10\r\n",
        "mg k1 v\r\n", "ms k1 2\r\n", "md k1\r\n", "ma k1\r\n", "me k1\r\n", "get k1\n"})
    void findsTheKeyAfterACommandThatTakesOne(String line) {
        assertEquals("k1", keyOf(line, 0));
        assertEquals("k1", keyOf(line, 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "gat 10 k1\r\n", "gats 10 k1\r\n", "mn\r\n", "stats items\r\n", "flush_all 0\r\n", "version\r\n",
        "verbosity 1\r\n", "quit\r\n", "GET k1\r\n", "getx k1\r\n", "ge k1\r\n", "\r\n", " get k1\r\n",
        "get  k1\r\n", "get \r\n", "cache_memlimit 100\r\n", "a_word_longer_than_any_verb k1\r\n"})
    void findsNoKeyWhereTheSecondWordIsNone(String line) {
        assertEquals(null, keyOf(line, 0), line);
    }

    @Test
    void findsNoKeyBeforeItsEndHasArrived() {
        assertEquals(null, keyOf("get", 0));
        assertEquals(null, keyOf("get ", 0));
        assertEquals(null, keyOf("get k1", 0));
        assertEquals("k1", keyOf("get k1\r", 0));
        assertEquals(null, keyOf("", 0));
    }

    @Test
    void aKeyAtTheLengthLimitIsFoundAndOneLongerIsNot() {
        String longest = "k".repeat(MemcachedTextReader.MAX_KEY_BYTES);
        assertEquals(longest, keyOf("get " + longest + "\r\n", 3));
        assertEquals(null, keyOf("get " + longest + "k\r\n", 3));
    }

    @Test
    void keysOfAnyBytesButSpaceAndLineEndsAreFound() {
        String key = "\u0010\u00ff\u0000x";
        assertEquals(key, keyOf("get " + key + "\r\n", 1));
    }
}
