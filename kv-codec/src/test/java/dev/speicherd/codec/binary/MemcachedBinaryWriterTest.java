package dev.speicherd.codec.binary;

import static dev.speicherd.codec.binary.Packets.hex;
import static dev.speicherd.codec.binary.Packets.hexOf;
import static dev.speicherd.codec.binary.Packets.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.speicherd.codec.binary.BinaryCommand.ReplyTo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each response against the bytes memcached 1.6.18 sent for it (opaque 0xdeadbeef). */
class MemcachedBinaryWriterTest {

    @FunctionalInterface
    interface Write {
        void to(MemcachedBinaryWriter writer) throws IOException;
    }

    private static ReplyTo to(int opcode) {
        return new ReplyTo(opcode, Packets.OPAQUE);
    }

    static Stream<Arguments> responses() {
        return Stream.of(
                Arguments.of("get hit: flags as extras, then the value",
                        (Write) w -> w.item(to(0x00), null, 0, utf8("x"), 0x7a),
                        "810000000400000000000005deadbeef000000000000007a 00000000 78"),
                Arguments.of("gatk hit: flags, key, value",
                        (Write) w -> w.item(to(0x23), utf8("ic"), 0, utf8("15"), 0x7d),
                        "812300020400000000000008deadbeef000000000000007d 00000000 6963 3135"),
                Arguments.of("touch hit: flags only",
                        (Write) w -> w.item(to(0x1c), null, 0, null, 0x7d),
                        "811c00000400000000000004deadbeef000000000000007d 00000000"),
                Arguments.of("set stored: the new cas",
                        (Write) w -> w.success(to(0x01), 0x73),
                        "810100000000000000000000deadbeef0000000000000073"),
                Arguments.of("noop",
                        (Write) w -> w.success(to(0x0a), 0),
                        "810a00000000000000000000deadbeef0000000000000000"),
                Arguments.of("increment: the value as 8 bytes",
                        (Write) w -> w.counter(to(0x05), 10, 0x7c),
                        "810500000000000000000008deadbeef000000000000007c 000000000000000a"),
                Arguments.of("version",
                        (Write) w -> w.text(to(0x0b), "1.6.18"),
                        "810b00000000000000000006deadbeef0000000000000000 312e362e3138"),
                Arguments.of("getk miss: the key, no text",
                        (Write) w -> w.missWithKey(to(0x0c), utf8("missing")),
                        "810c00070000000100000007deadbeef0000000000000000 6d697373696e67"),
                Arguments.of("get miss",
                        (Write) w -> w.error(to(0x00), BinaryStatus.KEY_NOT_FOUND),
                        "810000000000000100000009deadbeef0000000000000000 4e6f7420666f756e64"),
                Arguments.of("add on a live key",
                        (Write) w -> w.error(to(0x02), BinaryStatus.KEY_EXISTS),
                        "810200000000000200000014deadbeef0000000000000000 446174612065786973747320666f72206b65792e"),
                Arguments.of("set too large",
                        (Write) w -> w.error(to(0x01), BinaryStatus.VALUE_TOO_LARGE),
                        "81010000000000030000000adeadbeef0000000000000000 546f6f206c617267652e"),
                Arguments.of("bad sizes",
                        (Write) w -> w.error(to(0x00), BinaryStatus.INVALID_ARGUMENTS),
                        "810000000000000400000011deadbeef0000000000000000 496e76616c696420617267756d656e7473"),
                Arguments.of("append to nothing",
                        (Write) w -> w.error(to(0x0e), BinaryStatus.NOT_STORED),
                        "810e0000000000050000000bdeadbeef0000000000000000 4e6f742073746f7265642e"),
                Arguments.of("increment of text",
                        (Write) w -> w.error(to(0x05), BinaryStatus.NON_NUMERIC),
                        "81050000000000060000002edeadbeef0000000000000000 4e6f6e2d6e756d657269632073657276"
                                + "65722d736964652076616c756520666f7220696e6372206f722064656372"),
                Arguments.of("unknown opcode",
                        (Write) w -> w.error(to(0x40), BinaryStatus.UNKNOWN_COMMAND),
                        "81400000000000810000000fdeadbeef0000000000000000 556e6b6e6f776e20636f6d6d616e64"),
                Arguments.of("one statistic: name as key, value as value",
                        (Write) w -> w.stat(to(0x10), "pointer_size", "64"),
                        "8110000c000000000000000edeadbeef0000000000000000 706f696e7465725f73697a65 3634"),
                Arguments.of("the end of the statistics",
                        (Write) w -> w.endOfStats(to(0x10)),
                        "811000000000000000000000deadbeef0000000000000000"),
                Arguments.of("a store failure: status 0x84 and the store's words",
                        (Write) w -> w.error(to(0x01), BinaryStatus.INTERNAL_ERROR, "disk full"),
                        "810100000000008400000009deadbeef0000000000000000 6469736b2066756c6c"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void writesWhatMemcachedWrites(String what, Write write, String expected) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MemcachedBinaryWriter writer = new MemcachedBinaryWriter(out);
        write.to(writer);
        writer.flush();
        assertEquals(hexOf(hex(expected)), hexOf(out.toByteArray()), what);
        assertEquals(out.size(), writer.bytesWritten());
    }
}
