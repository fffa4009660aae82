package dev.speicherd.codec.binary;

import static dev.speicherd.codec.binary.Packets.concat;
import static dev.speicherd.codec.binary.Packets.counterExtras;
import static dev.speicherd.codec.binary.Packets.expiration;
import static dev.speicherd.codec.binary.Packets.header;
import static dev.speicherd.codec.binary.Packets.hex;
import static dev.speicherd.codec.binary.Packets.request;
import static dev.speicherd.codec.binary.Packets.setExtras;
import static dev.speicherd.codec.binary.Packets.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.speicherd.api.WriteMode;
import dev.speicherd.codec.DribblingInputStream;
import dev.speicherd.codec.ProtocolException;
import dev.speicherd.codec.binary.BinaryCommand.Arithmetic;
import dev.speicherd.codec.binary.BinaryCommand.Delete;
import dev.speicherd.codec.binary.BinaryCommand.Flush;
import dev.speicherd.codec.binary.BinaryCommand.Get;
import dev.speicherd.codec.binary.BinaryCommand.GetAndTouch;
import dev.speicherd.codec.binary.BinaryCommand.Malformed;
import dev.speicherd.codec.binary.BinaryCommand.NoOp;
import dev.speicherd.codec.binary.BinaryCommand.Quit;
import dev.speicherd.codec.binary.BinaryCommand.ReplyTo;
import dev.speicherd.codec.binary.BinaryCommand.Stat;
import dev.speicherd.codec.binary.BinaryCommand.Store;
import dev.speicherd.codec.binary.BinaryCommand.TooLarge;
import dev.speicherd.codec.binary.BinaryCommand.Touch;
import dev.speicherd.codec.binary.BinaryCommand.Unknown;
import dev.speicherd.codec.binary.BinaryCommand.Verbosity;
import dev.speicherd.codec.binary.BinaryCommand.Version;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemcachedBinaryReaderTest {

    private static final int LIMIT = 64;
    private static final byte[] NONE = new byte[0];
    private static final byte[] K = utf8("k");
    private static final byte[] V = utf8("v");

    private static MemcachedBinaryReader reader(byte[] wire) {
        return new MemcachedBinaryReader(new ByteArrayInputStream(wire), LIMIT);
    }

    private static ReplyTo to(int opcode) {
        return new ReplyTo(opcode, Packets.OPAQUE);
    }

    @Test
    void readsTheHexOfASetAndAGet() throws IOException {
        byte[] wire = hex("""
                80 01 0001 08 00 0000 0000000a 01020304 0000000000000000   set, key 1, extras 8, body 10
                0000cafe 0000012c                                          flags 0xcafe, expiration 300
                6b                                                         "k"
                76                                                         "v"
                80 00 0001 00 00 0000 00000001 01020305 0000000000000000   get, key 1, body 1
                6b                                                         "k"
                """.replaceAll(" {3,}[^\\n]*", ""));
        MemcachedBinaryReader r = reader(wire);
        assertEquals(new Store(new ReplyTo(0x01, 0x01020304), WriteMode.SET, K, 0xcafe, 300, 0, V, false), r.read());
        assertEquals(new Get(new ReplyTo(0x00, 0x01020305), K, false, false), r.read());
        assertNull(r.read(), "clean end of stream between requests");
    }

    @Test
    void readsEveryOpcodeMemcachedServes() throws IOException {
        byte[] setExtras = setExtras(7, 30);
        MemcachedBinaryReader r = reader(concat(
                request(0x00, "k"), request(0x09, "k"), request(0x0c, "k"), request(0x0d, "k"),
                request(0x1d, expiration(10), "k", NONE, 0), request(0x1e, expiration(10), "k", NONE, 0),
                request(0x23, expiration(10), "k", NONE, 0), request(0x24, expiration(-1), "k", NONE, 0),
                request(0x1c, expiration(10), "k", NONE, 0),
                request(0x01, setExtras, "k", V, 0), request(0x11, setExtras, "k", V, 5),
                request(0x02, setExtras, "k", V, 0), request(0x12, setExtras, "k", V, 0),
                request(0x03, setExtras, "k", V, 0), request(0x13, setExtras, "k", NONE, 0),
                request(0x0e, NONE, "k", V, 0), request(0x19, NONE, "k", V, 9),
                request(0x0f, NONE, "k", V, 0), request(0x1a, NONE, "k", V, 0),
                request(0x04, "k"), request(0x14, NONE, "k", NONE, 9),
                request(0x05, counterExtras(1, 2, 3), "k", NONE, 0),
                request(0x15, counterExtras(-1, -2, -1), "k", NONE, 4),
                request(0x06, counterExtras(1, 2, 3), "k", NONE, 0),
                request(0x16, counterExtras(1, 2, 3), "k", NONE, 0),
                request(0x08, ""), request(0x18, expiration(5), "", NONE, 0),
                request(0x10, ""), request(0x10, "settings"),
                request(0x0a, ""), request(0x0b, ""), request(0x1b, expiration(1), "", NONE, 0),
                request(0x07, ""), request(0x17, "")));
        assertEquals(new Get(to(0x00), K, false, false), r.read());
        assertEquals(new Get(to(0x09), K, false, true), r.read());
        assertEquals(new Get(to(0x0c), K, true, false), r.read());
        assertEquals(new Get(to(0x0d), K, true, true), r.read());
        assertEquals(new GetAndTouch(to(0x1d), K, 10, false, false), r.read());
        assertEquals(new GetAndTouch(to(0x1e), K, 10, false, true), r.read());
        assertEquals(new GetAndTouch(to(0x23), K, 10, true, false), r.read());
        assertEquals(new GetAndTouch(to(0x24), K, 0xFFFF_FFFFL, true, true), r.read(), "expiration is unsigned");
        assertEquals(new Touch(to(0x1c), K, 10), r.read());
        assertEquals(new Store(to(0x01), WriteMode.SET, K, 7, 30, 0, V, false), r.read());
        assertEquals(new Store(to(0x11), WriteMode.SET, K, 7, 30, 5, V, true), r.read());
        assertEquals(new Store(to(0x02), WriteMode.ADD, K, 7, 30, 0, V, false), r.read());
        assertEquals(new Store(to(0x12), WriteMode.ADD, K, 7, 30, 0, V, true), r.read());
        assertEquals(new Store(to(0x03), WriteMode.REPLACE, K, 7, 30, 0, V, false), r.read());
        assertEquals(new Store(to(0x13), WriteMode.REPLACE, K, 7, 30, 0, NONE, true), r.read(), "empty value");
        assertEquals(new Store(to(0x0e), WriteMode.APPEND, K, 0, 0, 0, V, false), r.read());
        assertEquals(new Store(to(0x19), WriteMode.APPEND, K, 0, 0, 9, V, true), r.read());
        assertEquals(new Store(to(0x0f), WriteMode.PREPEND, K, 0, 0, 0, V, false), r.read());
        assertEquals(new Store(to(0x1a), WriteMode.PREPEND, K, 0, 0, 0, V, true), r.read());
        assertEquals(new Delete(to(0x04), K, 0, false), r.read());
        assertEquals(new Delete(to(0x14), K, 9, true), r.read());
        assertEquals(new Arithmetic(to(0x05), K, false, 1, 2, 3, 0, false), r.read());
        Arithmetic unsigned = new Arithmetic(to(0x15), K, false, -1, -2, Arithmetic.DO_NOT_CREATE, 4, true);
        assertEquals(unsigned, r.read(), "delta and initial are 64-bit unsigned");
        assertFalse(unsigned.creates());
        assertEquals(new Arithmetic(to(0x06), K, true, 1, 2, 3, 0, false), r.read());
        assertEquals(new Arithmetic(to(0x16), K, true, 1, 2, 3, 0, true), r.read());
        assertEquals(new Flush(to(0x08), 0, false), r.read());
        assertEquals(new Flush(to(0x18), 5, true), r.read());
        assertEquals(new Stat(to(0x10), ""), r.read());
        assertEquals(new Stat(to(0x10), "settings"), r.read());
        assertEquals(new NoOp(to(0x0a)), r.read());
        assertEquals(new Version(to(0x0b)), r.read());
        assertEquals(new Verbosity(to(0x1b)), r.read());
        assertEquals(new Quit(to(0x07), false), r.read());
        assertEquals(new Quit(to(0x17), true), r.read());
        assertNull(r.read());
    }

    @Test
    void readsRequestsThatArriveOneByteAtATime() throws IOException {
        byte[] value = utf8("a value that arrives in pieces");
        byte[] wire = concat(request(0x01, setExtras(1, 0), "key", value, 77), request(0x0c, "key"), request(0x0a, ""));
        MemcachedBinaryReader r = new MemcachedBinaryReader(new DribblingInputStream(wire), LIMIT);
        assertEquals(new Store(to(0x01), WriteMode.SET, utf8("key"), 1, 0, 77, value, false), r.read());
        assertEquals(new Get(to(0x0c), utf8("key"), true, false), r.read());
        assertEquals(new NoOp(to(0x0a)), r.read());
        assertNull(r.read());
    }

    @Test
    void tellsWhetherAnotherRequestIsAlreadyBuffered() throws IOException {
        MemcachedBinaryReader r = reader(concat(request(0x0a, ""), request(0x0a, "")));
        r.read();
        assertEquals(24, r.unread(), "the second no-op, a bare header, came in the same read");
        r.read();
        assertEquals(0, r.unread());
    }

    @Test
    void aValueOverTheItemLimitIsSkippedAndTheStreamStaysInStep() throws IOException {
        byte[] big = new byte[LIMIT + 1];
        MemcachedBinaryReader r = reader(concat(request(0x11, setExtras(0, 0), "k", big, 0),
                request(0x19, NONE, "k", big, 0), request(0x01, setExtras(0, 0), "k", new byte[LIMIT], 0),
                request(0x0a, "")));
        assertEquals(new TooLarge(to(0x11), WriteMode.SET, K), r.read());
        assertEquals(new TooLarge(to(0x19), WriteMode.APPEND, K), r.read());
        assertEquals(new Store(to(0x01), WriteMode.SET, K, 0, 0, 0, new byte[LIMIT], false), r.read(),
                "a value of exactly the limit is taken");
        assertEquals(new NoOp(to(0x0a)), r.read());
    }

    @Test
    void aBodyFarOverTheLimitIsSkippedAndTheNextRequestRead() throws IOException {
        long valueLength = 64L << 20;
        byte[] head = Arrays.copyOf(header(0x01, 1, 8, 9 + valueLength), 24 + 9);
        System.arraycopy(concat(setExtras(0, 0), K), 0, head, 24, 9);
        List<InputStream> parts = List.of(new ByteArrayInputStream(head), Packets.zeros(valueLength),
                new ByteArrayInputStream(request(0x0a, "")));
        MemcachedBinaryReader r = new MemcachedBinaryReader(
                new SequenceInputStream(Collections.enumeration(parts)), LIMIT);
        assertEquals(new TooLarge(to(0x01), WriteMode.SET, K), r.read());
        assertEquals(new NoOp(to(0x0a)), r.read());
    }

    @Test
    void anUnknownOpcodeAndSaslAreSkippedWholeAndTheStreamStaysInStep() throws IOException {
        MemcachedBinaryReader r = reader(concat(request(0x40, expiration(1), "key", utf8("value"), 0),
                request(0x20, ""), request(0x21, NONE, "PLAIN", utf8("\0user\0password"), 0),
                request(0x22, NONE, "PLAIN", NONE, 0), request(0x0a, "")));
        assertEquals(new Unknown(to(0x40)), r.read());
        assertEquals(new Unknown(to(0x20)), r.read());
        assertEquals(new Unknown(to(0x21)), r.read());
        assertEquals(new Unknown(to(0x22)), r.read());
        assertEquals(new NoOp(to(0x0a)), r.read());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // what is wrong                      | opcode | key | extras | body       | answer
        "get with extras                      | 0x00   | 1   | 4      | 5          | INVALID_ARGUMENTS",
        "get without a key                    | 0x00   | 0   | 0      | 0          | INVALID_ARGUMENTS",
        "getkq with a value                   | 0x0d   | 1   | 0      | 2          | INVALID_ARGUMENTS",
        "set without extras                   | 0x01   | 1   | 0      | 2          | INVALID_ARGUMENTS",
        "add with 4 bytes of extras           | 0x02   | 1   | 4      | 6          | INVALID_ARGUMENTS",
        "replace without a key                | 0x03   | 0   | 8      | 9          | INVALID_ARGUMENTS",
        "append with extras                   | 0x0e   | 1   | 8      | 10         | INVALID_ARGUMENTS",
        "prependq without a key               | 0x1a   | 0   | 0      | 1          | INVALID_ARGUMENTS",
        "delete with a value                  | 0x04   | 1   | 0      | 3          | INVALID_ARGUMENTS",
        "increment with 8 bytes of extras     | 0x05   | 1   | 8      | 9          | INVALID_ARGUMENTS",
        "decrement with a value               | 0x06   | 1   | 20     | 22         | INVALID_ARGUMENTS",
        "touch without an expiration          | 0x1c   | 1   | 0      | 1          | INVALID_ARGUMENTS",
        "gat with a value                     | 0x1d   | 1   | 4      | 6          | INVALID_ARGUMENTS",
        "gatk without a key                   | 0x23   | 0   | 4      | 4          | INVALID_ARGUMENTS",
        "flush with a key                     | 0x08   | 1   | 0      | 1          | INVALID_ARGUMENTS",
        "flush with 8 bytes of extras         | 0x08   | 0   | 8      | 8          | INVALID_ARGUMENTS",
        "flushq with a value                  | 0x18   | 0   | 4      | 5          | INVALID_ARGUMENTS",
        "noop with a body                     | 0x0a   | 0   | 0      | 1          | INVALID_ARGUMENTS",
        "version with a key                   | 0x0b   | 1   | 0      | 1          | INVALID_ARGUMENTS",
        "quit with extras                     | 0x07   | 0   | 4      | 4          | INVALID_ARGUMENTS",
        "stat with extras                     | 0x10   | 0   | 4      | 4          | INVALID_ARGUMENTS",
        "stat with a value                    | 0x10   | 1   | 0      | 2          | INVALID_ARGUMENTS",
        "verbosity without a level            | 0x1b   | 0   | 0      | 0          | INVALID_ARGUMENTS",
        "sasl list mechs with a body          | 0x20   | 0   | 0      | 4          | INVALID_ARGUMENTS",
        "sasl auth without a mechanism        | 0x21   | 0   | 0      | 4          | INVALID_ARGUMENTS",
        "key over 250 bytes                   | 0x00   | 251 | 0      | 251        | INVALID_ARGUMENTS",
        "key and extras longer than the body  | 0x00   | 5   | 0      | 4          | UNKNOWN_COMMAND",
        "extras longer than an unknown body   | 0x40   | 0   | 8      | 4          | UNKNOWN_COMMAND",
        "body of 2 GiB                        | 0x01   | 1   | 8      | 2147483648 | VALUE_TOO_LARGE",
        "body of 4 GiB - 1                    | 0x40   | 0   | 0      | 4294967295 | VALUE_TOO_LARGE",
    })
    void sizesThatDoNotFitAreMalformed(String what, String opcode, int key, int extras, long body,
            BinaryStatus answer) throws IOException {
        int code = Integer.decode(opcode);
        MemcachedBinaryReader r = reader(concat(header(code, key, extras, body), new byte[300]));
        assertEquals(new Malformed(to(code), answer), r.read(), what);
    }

    @Test
    void aBadMagicByteBreaksTheStreamAfterTheRequestsBeforeIt() throws IOException {
        byte[] response = request(0x0a, "");
        response[0] = (byte) 0x81;
        MemcachedBinaryReader r = reader(concat(request(0x0a, ""), response));
        assertEquals(new NoOp(to(0x0a)), r.read());
        ProtocolException e = assertThrows(ProtocolException.BrokenStream.class, r::read);
        assertEquals("bad magic byte 0x81", e.getMessage());
    }

    @Test
    void theStreamEndingInsideARequestIsAnErrorNotAnEnd() {
        byte[] set = request(0x01, setExtras(0, 0), "k", utf8("value"), 0);
        assertThrows(EOFException.class, () -> reader(Arrays.copyOf(set, 10)).read(), "inside the header");
        assertThrows(EOFException.class, () -> reader(Arrays.copyOf(set, 30)).read(), "inside the extras");
        assertThrows(EOFException.class, () -> reader(Arrays.copyOf(set, set.length - 1)).read(), "inside the value");
        byte[] unknown = request(0x40, NONE, "", utf8("body"), 0);
        assertThrows(EOFException.class, () -> reader(Arrays.copyOf(unknown, 26)).read(), "inside a skipped body");
    }
}
