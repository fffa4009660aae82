package dev.speicherd.codec.speicher;

import static dev.speicherd.codec.speicher.Frames.frame;
import static dev.speicherd.codec.speicher.Frames.frames;
import static dev.speicherd.codec.speicher.Frames.hex;
import static dev.speicherd.codec.speicher.Frames.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.speicherd.codec.DribblingInputStream;
import dev.speicherd.codec.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpeicherFrameReaderTest {

    private static final int LIMIT = 1024;

    private static SpeicherFrameReader reader(byte[] wire) {
        return new SpeicherFrameReader(new ByteArrayInputStream(wire), LIMIT);
    }

    private static SpeicherCommand readOne(String json) throws IOException {
        return reader(frame(json)).read();
    }

    @Test
    void readsEachCommand() throws IOException {
        SpeicherFrameReader r = reader(frames(
                "{\"command\":\"SET\",\"key\":\"foo\",\"value\":\"bar\"}",
                "{\"command\":\"GET\",\"key\":\"foo\"}",
                "{\"command\":\"DEL\",\"key\":\"foo\"}",
                "{\"command\":\"RST\"}"));
        assertEquals(new SpeicherCommand.Set(utf8("foo"), utf8("\"bar\"")), r.read());
        assertEquals(new SpeicherCommand.Get(utf8("foo")), r.read());
        assertEquals(new SpeicherCommand.Delete(utf8("foo")), r.read());
        assertEquals(new SpeicherCommand.Reset(), r.read());
        assertNull(r.read(), "clean end of stream at a frame boundary");
    }

    @Test
    void readsTheHexOfWhatThePythonClientSends() throws IOException {
        // json.dumps({"command": "GET", "key": "k"}): 30 bytes, with Python's ", " and ": ".
        byte[] wire = hex("0000 001e 7b22 636f 6d6d 616e 6422 3a20 2247 4554 222c 2022 6b65 7922 3a20 226b 227d");
        assertEquals(new SpeicherCommand.Get(utf8("k")), reader(wire).read());
    }

    @Test
    void readsAFrameThatArrivesOneByteAtATime() throws IOException {
        byte[] wire = frames("{\"command\":\"SET\",\"key\":\"k\",\"value\":{\"a\":[1,2,3]}}", "{\"command\":\"RST\"}");
        SpeicherFrameReader r = new SpeicherFrameReader(new DribblingInputStream(wire), LIMIT);
        assertEquals(new SpeicherCommand.Set(utf8("k"), utf8("{\"a\":[1,2,3]}")), r.read());
        assertEquals(new SpeicherCommand.Reset(), r.read());
        assertNull(r.read());
    }

    @Test
    void ignoresFieldsItDoesNotKnow() throws IOException {
        assertEquals(new SpeicherCommand.Reset(), readOne("{\"command\":\"RST\",\"key\":7,\"extra\":[]}"));
        assertEquals(new SpeicherCommand.Get(utf8("k")), readOne("{\"key\":\"k\",\"value\":1,\"command\":\"GET\"}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // value on the wire                          | stored JSON text
        "\"bar\"                                      | \"bar\"",
        "\"\"                                         | \"\"",
        "0                                            | 0",
        "-17                                          | -17",
        "3.14159                                      | 3.14159",
        "100000000000000000000                        | 100000000000000000000",
        "123456789012345678901234567890.5e-3          | 123456789012345678901234567890.5e-3",
        "1e+100                                       | 1e+100",
        "-0.0                                         | -0.0",
        "1E400                                        | 1E400",
        "true                                         | true",
        "false                                        | false",
        "null                                         | null",
        "[]                                           | []",
        "{}                                           | {}",
        "[1, \"two\", [3.0], {\"four\": null}]        | [1,\"two\",[3.0],{\"four\":null}]",
        "{\"b\": 1, \"a\": {\"c\": [true, false]}}    | {\"b\":1,\"a\":{\"c\":[true,false]}}",
        "\"caf\\u00e9 \\ud83d\\ude00\"                | \"caf\u00e9 \uD83D\uDE00\"",
        "\"caf\u00e9 \uD83D\uDE00 \u4e2d\u6587\"      | \"caf\u00e9 \uD83D\uDE00 \u4e2d\u6587\"",
        "\"<script>&'\u2028\"                         | \"<script>&'\u2028\"",
        "\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0001\"  | \"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\"",
        "\"lone \\ud800 surrogate\"                   | \"lone \\ud800 surrogate\"",
    })
    void keepsEveryJsonValueExactly(String wireValue, String stored) throws IOException {
        SpeicherCommand read = readOne("{\"command\":\"SET\",\"key\":\"k\",\"value\":" + wireValue + "}");
        assertEquals(new SpeicherCommand.Set(utf8("k"), utf8(stored)), read);
    }

    @Test
    void aNullValueIsAValue() throws IOException {
        assertEquals(new SpeicherCommand.Set(utf8("k"), utf8("null")),
                readOne("{\"command\":\"SET\",\"key\":\"k\",\"value\":null}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json                                      | request is not valid JSON (error at byte 1)",
        "``                                            | request is not valid JSON (error at byte 0)",
        "{\"command\":\"GET\",\"key\":\"k\"            | request is not valid JSON (error at byte 26)",
        "{'command':'GET'}                             | request is not valid JSON (error at byte 1)",
        "{\"command\":\"GET\",\"key\":\"k\"} {}        | request is not valid JSON (error at byte 28)",
        "[]                                            | request is not a JSON object",
        "[\"GET\",\"k\"]                               | request is not a JSON object",
        "\"x\"                                         | request is not a JSON object",
        "42                                            | request is not a JSON object",
        "null                                          | request is not a JSON object",
        "{}                                            | request has no \"command\"",
        "{\"command\":1,\"key\":\"k\"}                 | \"command\" is not a string",
        "{\"command\":null}                            | \"command\" is not a string",
        "{\"command\":[\"GET\"]}                       | \"command\" is not a string",
        "{\"command\":\"GET\"}                         | request has no \"key\"",
        "{\"command\":\"GET\",\"key\":7}               | \"key\" is not a string",
        "{\"command\":\"GET\",\"key\":null}            | \"key\" is not a string",
        "{\"command\":\"DEL\",\"key\":[\"k\"]}         | \"key\" is not a string",
        "{\"command\":\"GET\",\"key\":\"\"}            | \"key\" is empty",
        "{\"command\":\"GET\",\"key\":\"\\udc00\"}     | \"key\" has an unpaired UTF-16 surrogate escape, which UTF-8 cannot hold",
        "{\"command\":\"get\",\"key\":\"k\"}           | unknown command \"get\"",
        "{\"command\":\"Set\",\"key\":\"k\"}           | unknown command \"Set\"",
        "{\"command\":\"DELETE\",\"key\":\"k\"}        | unknown command \"DELETE\"",
        "{\"command\":\"FOO\"}                         | unknown command \"FOO\"",
        "{\"command\":\"\"}                            | unknown command \"\"",
        "{\"command\":\"SET\",\"key\":\"k\"}           | SET request has no \"value\"",
        "{\"command\":\"SET\",\"value\":1}             | request has no \"key\"",
    })
    void wholeButWrongFramesAreMalformedRequests(String body, String error) throws IOException {
        SpeicherFrameReader r = reader(frames(body, "{\"command\":\"RST\"}"));
        ProtocolException.MalformedRequest e = assertThrows(ProtocolException.MalformedRequest.class, r::read);
        assertEquals(error, e.getMessage());
        assertEquals(new SpeicherCommand.Reset(), r.read(), "the stream is still in step");
    }

    @ParameterizedTest
    @ValueSource(strings = {"22 ff 22", "22 ed a0 80 22", "ef bb bf 7b 7d"})
    void framesThatAreNotUtf8AreMalformedRequests(String body) {
        SpeicherFrameReader r = reader(frame(hex(body)));
        assertThrows(ProtocolException.MalformedRequest.class, r::read);
    }

    @Test
    void anUnknownCommandIsEchoedShort() {
        String name = "X".repeat(500);
        ProtocolException e = assertThrows(ProtocolException.MalformedRequest.class,
                () -> readOne("{\"command\":\"" + name + "\"}"));
        assertEquals("unknown command \"" + "X".repeat(32) + "...\"", e.getMessage());
    }

    @Test
    void aKeyMayHave250BytesButNot251() throws IOException {
        String key250 = "\u00e9".repeat(125);
        assertEquals(new SpeicherCommand.Get(utf8(key250)), readOne("{\"command\":\"GET\",\"key\":\"" + key250 + "\"}"));
        String key251 = key250 + "x";
        ProtocolException e = assertThrows(ProtocolException.MalformedRequest.class,
                () -> readOne("{\"command\":\"GET\",\"key\":\"" + key251 + "\"}"));
        assertEquals("\"key\" of 251 bytes exceeds the limit of 250", e.getMessage());
    }

    @Test
    void aKeyIsItsUtf8Bytes() throws IOException {
        assertEquals(new SpeicherCommand.Delete(hex("f0 9f 98 80 20 61")),
                readOne("{\"command\":\"DEL\",\"key\":\"\\ud83d\\ude00 a\"}"));
    }

    @Test
    void aNegativeLengthBreaksTheStream() {
        SpeicherFrameReader r = reader(hex("ffff fffb 7b7d"));
        ProtocolException.BrokenStream e = assertThrows(ProtocolException.BrokenStream.class, r::read);
        assertEquals("negative frame length -5", e.getMessage());
    }

    @Test
    void aLengthAboveTheLimitBreaksTheStream() {
        SpeicherFrameReader r = reader(hex("0000 0401 7b7d"));
        ProtocolException.BrokenStream e = assertThrows(ProtocolException.BrokenStream.class, r::read);
        assertEquals("frame of 1025 bytes exceeds the limit of 1024", e.getMessage());
    }

    @Test
    void aFrameAtTheLimitIsRead() throws IOException {
        String prefix = "{\"command\":\"SET\",\"key\":\"k\",\"value\":\"";
        String body = prefix + "v".repeat(LIMIT - prefix.length() - 2) + "\"}";
        assertEquals(LIMIT, utf8(body).length);
        assertTrue(readOne(body) instanceof SpeicherCommand.Set);
    }

    @Test
    void theLargestLengthIsRefusedWithoutReadingOrAllocating() {
        InputStream headerThenNothing = new SequenceInputStream(
                new ByteArrayInputStream(hex("7fff ffff")), new InputStream() {
                    @Override
                    public int read() {
                        return fail("the reader went past the header");
                    }
                });
        long before = allocatedBytes();
        SpeicherFrameReader r = new SpeicherFrameReader(headerThenNothing, LIMIT);
        ProtocolException.BrokenStream e = assertThrows(ProtocolException.BrokenStream.class, r::read);
        assertEquals("frame of 2147483647 bytes exceeds the limit of 1024", e.getMessage());
        assertTrue(allocatedBytes() - before < 1 << 20);
    }

    @Test
    void aClaimedLengthCostsOnlyWhatArrives() {
        byte[] wire = new byte[4 + 100_000];
        Arrays.fill(wire, (byte) ' ');
        System.arraycopy(hex("7fff ffff"), 0, wire, 0, 4);
        long before = allocatedBytes();
        SpeicherFrameReader r = new SpeicherFrameReader(new ByteArrayInputStream(wire), Integer.MAX_VALUE);
        EOFException e = assertThrows(EOFException.class, r::read);
        assertEquals("end of stream after 100000 of 2147483647 frame bytes", e.getMessage());
        assertTrue(allocatedBytes() - before < 4 << 20, "allocated " + (allocatedBytes() - before));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void endOfStreamInsideTheHeaderIsAnEof(int headerBytes) {
        SpeicherFrameReader r = reader(Arrays.copyOf(hex("0000 0002"), headerBytes));
        EOFException e = assertThrows(EOFException.class, r::read);
        assertEquals("end of stream after " + headerBytes + " of 4 frame header bytes", e.getMessage());
    }

    @Test
    void endOfStreamInsideTheBodyIsAnEof() {
        byte[] frame = frame("{\"command\":\"RST\"}");
        SpeicherFrameReader r = reader(Arrays.copyOf(frame, frame.length - 1));
        EOFException e = assertThrows(EOFException.class, r::read);
        assertEquals("end of stream after 16 of 17 frame bytes", e.getMessage());
    }

    @Test
    void aLargeFrameFollowedBySmallOnes() throws IOException {
        String big = "x".repeat(300_000);
        SpeicherFrameReader r = new SpeicherFrameReader(new ByteArrayInputStream(frames(
                "{\"command\":\"SET\",\"key\":\"big\",\"value\":\"" + big + "\"}",
                "{\"command\":\"SET\",\"key\":\"small\",\"value\":1}")), 1 << 20);
        assertEquals(new SpeicherCommand.Set(utf8("big"), utf8("\"" + big + "\"")), r.read());
        assertEquals(new SpeicherCommand.Set(utf8("small"), utf8("1")), r.read());
    }

    @Test
    void nestingUpToTheLimitIsKept() throws IOException {
        int depth = JsonValidator.MAX_DEPTH - 1; // the request object itself is one level
        String value = "[".repeat(depth) + "]".repeat(depth);
        SpeicherFrameReader r = new SpeicherFrameReader(new ByteArrayInputStream(
                frame("{\"command\":\"SET\",\"key\":\"k\",\"value\":" + value + "}")), 1 << 20);
        assertEquals(new SpeicherCommand.Set(utf8("k"), utf8(value)), r.read());
    }

    @Test
    void nestingDeeperThanTheLimitIsMalformed() {
        int depth = JsonValidator.MAX_DEPTH;
        String value = "[".repeat(depth) + "]".repeat(depth);
        SpeicherFrameReader r = new SpeicherFrameReader(new ByteArrayInputStream(
                frame("{\"command\":\"SET\",\"key\":\"k\",\"value\":" + value + "}")), 1 << 20);
        assertThrows(ProtocolException.MalformedRequest.class, r::read);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
