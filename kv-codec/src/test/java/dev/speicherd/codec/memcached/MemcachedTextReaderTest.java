package dev.speicherd.codec.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.api.WriteMode;
import dev.speicherd.codec.ProtocolException;
import dev.speicherd.codec.memcached.MemcachedCommand.MetaFlag;
import dev.speicherd.codec.memcached.MemcachedCommand.MetaVerb;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemcachedTextReaderTest {

    private static final int MAX_ITEM = 1024;

    private static MemcachedTextReader reader(String wire) {
        return reader(wire.getBytes(StandardCharsets.UTF_8));
    }

    private static MemcachedTextReader reader(byte[] wire) {
        return new MemcachedTextReader(new ByteArrayInputStream(wire), MAX_ITEM);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsAStorageCommandWithItsDataBlock() throws IOException {
        MemcachedTextReader r = reader("set k 42 100 5\r\nhello\r\n");
        assertEquals(new MemcachedCommand.Store(WriteMode.SET, b("k"), 42, 100, false, 0, b("hello"), false), r.read());
        assertNull(r.read());
    }

    @Test
    void readsCasWithItsUniqueAndNoreply() throws IOException {
        MemcachedCommand c = reader("cas k 0 0 1 18446744073709551615 noreply\r\nx\r\n").read();
        assertEquals(new MemcachedCommand.Store(WriteMode.SET, b("k"), 0, 0, true, -1L, b("x"), true), c);
    }

    @Test
    void dataBlocksMayHoldLineEndsAndBinary() throws IOException {
        byte[] wire = new byte[] {'s', 'e', 't', ' ', 'k', ' ', '0', ' ', '0', ' ', '4', '\r', '\n', '\r', '\n', 0, (byte) 0xFF,
            '\r', '\n'};
        MemcachedCommand.Store s = (MemcachedCommand.Store) reader(wire).read();
        assertArrayEquals(new byte[] {'\r', '\n', 0, (byte) 0xFF}, s.value());
    }

    @Test
    void acceptsBareNewlinesAndExtraSpaces() throws IOException {
        MemcachedTextReader r = reader("get  a   b\nversion\n");
        MemcachedCommand.Get get = (MemcachedCommand.Get) r.read();
        assertEquals(2, get.keys().size());
        assertArrayEquals(b("b"), get.keys().get(1));
        assertInstanceOf(MemcachedCommand.Version.class, r.read());
    }

    @Test
    void aCommandSplitAcrossManyReadsIsOneCommand() throws IOException {
        byte[] wire = b("set k 0 0 3\r\nabc\r\nget k\r\n");
        InputStream trickle = new InputStream() {
            int next;

            @Override
            public int read() {
                return next < wire.length ? wire[next++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] into, int off, int len) {
                if (next == wire.length) {
                    return -1;
                }
                into[off] = wire[next++];
                return 1;
            }
        };
        MemcachedTextReader r = new MemcachedTextReader(trickle, MAX_ITEM);
        assertArrayEquals(b("abc"), ((MemcachedCommand.Store) r.read()).value());
        assertInstanceOf(MemcachedCommand.Get.class, r.read());
        assertNull(r.read());
    }

    @Test
    void keysOfTwoHundredFiftyBytesAreFineAndOneMoreIsMalformed() throws IOException {
        String k250 = "k".repeat(MemcachedTextReader.MAX_KEY_BYTES);
        assertEquals(1, ((MemcachedCommand.Get) reader("get " + k250 + "\r\n").read()).keys().size());
        var e = assertThrows(ProtocolException.MalformedRequest.class, () -> reader("get " + k250 + "k\r\n").read());
        assertEquals("bad command line format", e.getMessage());
    }

    @Test
    void keysMayHoldControlBytesAsMemcachedAllows() throws IOException {
        MemcachedCommand.Get get = (MemcachedCommand.Get) reader("get \u0010\u0010key\tx\r\n").read();
        assertArrayEquals(b("\u0010\u0010key\tx"), get.keys().get(0));
    }

    @Test
    void aBadLineOfASetDoesNotSwallowItsData() throws IOException {
        MemcachedTextReader r = reader("set " + "k".repeat(251) + " 0 0 1\r\nx\r\n");
        assertThrows(ProtocolException.MalformedRequest.class, r::read);
        assertInstanceOf(MemcachedCommand.Unknown.class, r.read()); // "x", as memcached answers ERROR
    }

    @Test
    void aDataBlockWithoutItsLineEndIsABadDataChunk() throws IOException {
        var e = assertThrows(ProtocolException.MalformedRequest.class, () -> reader("set k 0 0 1\r\nxyz\r\n").read());
        assertEquals("bad data chunk", e.getMessage());
    }

    @Test
    void anItemAtTheLimitIsReadAndOneByteMoreIsSkipped() throws IOException {
        String atLimit = "a".repeat(MAX_ITEM);
        MemcachedTextReader r = reader("set k 0 0 " + MAX_ITEM + "\r\n" + atLimit + "\r\n"
                + "set k 0 0 " + (MAX_ITEM + 1) + " noreply\r\n" + atLimit + "b\r\nversion\r\n");
        assertEquals(MAX_ITEM, ((MemcachedCommand.Store) r.read()).value().length);
        assertEquals(new MemcachedCommand.TooLarge(b("k"), true, true), r.read());
        assertInstanceOf(MemcachedCommand.Version.class, r.read());
    }

    @Test
    void onlyAnOversizedSetOrMetaSetDropsTheOldValue() throws IOException {
        String block = "a".repeat(MAX_ITEM + 1) + "\r\n";
        MemcachedTextReader r = reader("append k 0 0 " + (MAX_ITEM + 1) + "\r\n" + block
                + "cas k 0 0 " + (MAX_ITEM + 1) + " 5\r\n" + block + "ms k " + (MAX_ITEM + 1) + " MA\r\n" + block);
        assertEquals(new MemcachedCommand.TooLarge(b("k"), false, false), r.read());
        assertEquals(new MemcachedCommand.TooLarge(b("k"), false, false), r.read());
        assertEquals(new MemcachedCommand.TooLarge(b("k"), true, false), r.read());
    }

    @Test
    void aLineAtTheLimitIsReadAndOneByteMoreBreaksTheStream() throws IOException {
        String key = "k";
        String keys = "get " + (key + " ").repeat((MemcachedTextReader.MAX_LINE_BYTES - 4) / 2);
        String atLimit = keys + "x".repeat(MemcachedTextReader.MAX_LINE_BYTES - keys.length());
        assertEquals(MemcachedTextReader.MAX_LINE_BYTES, atLimit.length());
        MemcachedCommand.Get get = (MemcachedCommand.Get) reader(atLimit + "\r\n").read();
        assertTrue(get.keys().size() > 500_000);
        var e = assertThrows(ProtocolException.BrokenStream.class, () -> reader(atLimit + "y\r\n").read());
        assertEquals("line too long", e.getMessage());
    }

    @Test
    void aConnectionClosedInsideADataBlockIsAnEof() {
        assertThrows(EOFException.class, () -> reader("set k 0 0 10\r\nabc").read());
    }

    @Test
    void aPartialLastLineIsTheEndOfInput() throws IOException {
        assertNull(reader("get k").read());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bogus", "GET k", "get", "set k 0 0", "touch k", "incr k", "delete", "verbosity",
        "gat 10", "cache_memlimit abc", "flush_all 1 2 3", "mg", "ms", "md", "ma"})
    void unknownOrIncompleteCommandsAreErrors(String line) throws IOException {
        assertInstanceOf(MemcachedCommand.Unknown.class, reader(line + "\r\n").read());
    }

    @ParameterizedTest
    @ValueSource(strings = {"set k 0 0 -1", "set k 0 0 abc", "set k x 0 1", "set k 4294967296 0 1",
        "set k 0 99999999999 1", "incr k -1", "incr k 18446744073709551616", "touch k x", "delete k 5",
        "flush_all x", "gat x k", "me", "ms k", "ms k x", "mg k zz", "mg k v v",
        "mg @@@ b"})
    void malformedCommandsAreClientErrors(String line) {
        assertThrows(ProtocolException.MalformedRequest.class, () -> reader(line + "\r\n").read());
    }

    @Test
    void anOverlongMetaKeyIsMalformed() {
        assertThrows(ProtocolException.MalformedRequest.class, () -> reader("mg " + "k".repeat(251) + " v\r\n").read());
    }

    @Test
    void numbersAtTheirEdgesAreAccepted() throws IOException {
        MemcachedCommand.Store s = (MemcachedCommand.Store) reader("set k 4294967295 -2147483648 1\r\nx\r\n").read();
        assertEquals(-1, s.flags());
        assertEquals(-2147483648L, s.exptime());
        MemcachedCommand.Arithmetic a = (MemcachedCommand.Arithmetic) reader("decr k 18446744073709551615\r\n").read();
        assertEquals(-1L, a.delta());
        assertTrue(a.decrement());
    }

    @Test
    void deleteTakesTheLegacyZeroAndNoreply() throws IOException {
        assertEquals(new MemcachedCommand.Delete(b("k"), true), reader("delete k 0 noreply\r\n").read());
        assertEquals(new MemcachedCommand.Delete(b("k"), false), reader("delete k 0\r\n").read());
    }

    @Test
    void readsMetaCommandsWithTheirFlagsInOrder() throws IOException {
        MemcachedTextReader r = reader("mg k v T30 Oabc\r\nms k 2 F5 MA\r\nhi\r\nmn\r\n");
        assertEquals(new MemcachedCommand.Meta(MetaVerb.GET, b("k"),
                List.of(new MetaFlag('v', ""), new MetaFlag('T', "30"), new MetaFlag('O', "abc")), null), r.read());
        MemcachedCommand.Meta set = (MemcachedCommand.Meta) r.read();
        assertArrayEquals(b("hi"), set.value());
        assertEquals("A", set.token('M'));
        assertEquals(MetaVerb.NOOP, ((MemcachedCommand.Meta) r.read()).verb());
    }

    @Test
    void aBase64MetaKeyArrivesDecoded() throws IOException {
        MemcachedCommand.Meta m = (MemcachedCommand.Meta) reader("mg Zm9v b v\r\n").read();
        assertArrayEquals(b("foo"), m.key());
    }

    @Test
    void statsKeepsItsGroup() throws IOException {
        assertEquals(new MemcachedCommand.Stats(""), reader("stats\r\n").read());
        assertEquals(new MemcachedCommand.Stats("settings"), reader("stats settings\r\n").read());
    }
}
