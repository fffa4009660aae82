package dev.speicherd.codec.speicher;

import static dev.speicherd.codec.speicher.Frames.frame;
import static dev.speicherd.codec.speicher.Frames.hex;
import static dev.speicherd.codec.speicher.Frames.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpeicherFrameWriterTest {

    /** Records each write call separately, to see how the frames were cut. */
    private static final class Writes extends OutputStream {
        final List<byte[]> calls = new ArrayList<>();
        int flushes;

        @Override
        public void write(int b) {
            calls.add(new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) {
            calls.add(Arrays.copyOfRange(b, off, off + len));
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    private static byte[] written(SpeicherResponse response) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SpeicherFrameWriter(out).write(response);
        return out.toByteArray();
    }

    @Test
    void writesOkAndNotFoundAsFixedFrames() throws IOException {
        // {"status_code":200} is 19 bytes: 0x13.
        assertArrayEquals(hex("0000 0013 7b22 7374 6174 7573 5f63 6f64 6522 3a32 3030 7d"), written(SpeicherResponse.OK));
        assertArrayEquals(frame("{\"status_code\":404}"), written(SpeicherResponse.NOT_FOUND));
    }

    @Test
    void writesAFoundValueAsItsJsonText() throws IOException {
        assertArrayEquals(frame("{\"status_code\":200,\"value\":{\"a\":[1e+100,\"\uD83D\uDE00\"]}}"),
                written(new SpeicherResponse.Found(utf8("{\"a\":[1e+100,\"\uD83D\uDE00\"]}"))));
        assertArrayEquals(frame("{\"status_code\":200,\"value\":null}"),
                written(new SpeicherResponse.Found(utf8("null"))));
    }

    @Test
    void writesErrorsAsEscapedJsonStrings() throws IOException {
        assertArrayEquals(frame("{\"status_code\":400,\"error\":\"unknown command \\\"get\\\"\"}"),
                written(new SpeicherResponse.BadRequest("unknown command \"get\"")));
        byte[] frame = written(new SpeicherResponse.ServerError("log \\ full\n\u0000 \u00e9"));
        JsonObject body = JsonParser.parseString(utf8(Arrays.copyOfRange(frame, 4, frame.length))).getAsJsonObject();
        assertEquals(503, body.get("status_code").getAsInt());
        assertEquals("log \\ full\n\u0000 \u00e9", body.get("error").getAsString());
    }

    @Test
    void eachFrameIsOneWriteAndNothingIsFlushed() throws IOException {
        Writes out = new Writes();
        SpeicherFrameWriter writer = new SpeicherFrameWriter(out);
        byte[] big = utf8("\"" + "v".repeat(200_000) + "\"");
        writer.write(SpeicherResponse.OK);
        writer.write(new SpeicherResponse.Found(big));
        writer.write(new SpeicherResponse.BadRequest("no"));
        assertEquals(3, out.calls.size());
        assertArrayEquals(frame("{\"status_code\":200}"), out.calls.get(0));
        assertEquals(4 + 27 + big.length + 1, out.calls.get(1).length);
        assertArrayEquals(frame("{\"status_code\":400,\"error\":\"no\"}"), out.calls.get(2));
        assertEquals(0, out.flushes);
        writer.flush();
        assertEquals(1, out.flushes);
        assertEquals(out.calls.stream().mapToLong(c -> c.length).sum(), writer.bytesWritten());
    }
}
