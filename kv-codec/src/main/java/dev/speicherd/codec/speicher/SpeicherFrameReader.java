package dev.speicherd.codec.speicher;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.speicherd.codec.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.Arrays;

/**
 * Reads speicher requests from a stream, one frame at a time: a 4-byte signed big-endian
 * length, then that many bytes of UTF-8 JSON holding an object with a {@code command}.
 *
 * <p>A frame is read into a buffer that grows only as its bytes actually arrive, so a length
 * prefix that claims much more than the client sends costs no more memory than what it sent.
 * The JSON is checked by {@link JsonValidator} (strict RFC 8259, valid UTF-8, nesting at most
 * {@link JsonValidator#MAX_DEPTH}) before Gson builds a tree of it, so what counts as JSON on
 * the way in is the same as what counts as JSON for {@link SpeicherValues#toJson} on the way
 * out.
 *
 * <p>Not thread-safe: one reader per connection.
 */
public final class SpeicherFrameReader {

    /** The longest key in UTF-8 bytes; memcached's limit, so that both protocols share keys. */
    public static final int MAX_KEY_BYTES = 250;

    /** How much of an unknown command's name an error message repeats. */
    private static final int MAX_ECHOED_CHARS = 32;
    private static final int INITIAL_BUFFER_BYTES = 4 * 1024;
    /** A buffer grown past this by one large frame is dropped after it, not kept per connection. */
    private static final int RETAINED_BUFFER_BYTES = 64 * 1024;

    private final InputStream in;
    private final int maxFrameBytes;
    private final byte[] header = new byte[SpeicherWords.HEADER_BYTES];
    private byte[] body = new byte[INITIAL_BUFFER_BYTES];
    private final JsonBuffer valueText = new JsonBuffer(INITIAL_BUFFER_BYTES);
    private long bytesRead;

    /**
     * Creates a reader.
     *
     * @param in the stream, preferably buffered
     * @param maxFrameBytes the largest frame body accepted, in bytes
     */
    public SpeicherFrameReader(InputStream in, int maxFrameBytes) {
        if (maxFrameBytes < 0) {
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes);
        }
        this.in = in;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Reads the next request.
     *
     * @return the command, or null when the stream ended cleanly between frames
     * @throws ProtocolException.MalformedRequest when a whole frame arrived but is not a valid
     *     request; the next frame can be read
     * @throws ProtocolException.BrokenStream when the length prefix is negative or above the
     *     limit; nothing more can be read
     * @throws EOFException when the stream ends inside a frame
     * @throws IOException when reading fails
     */
    public SpeicherCommand read() throws IOException {
        if (!readHeader()) {
            return null;
        }
        int length = (header[0] & 0xff) << 24 | (header[1] & 0xff) << 16 | (header[2] & 0xff) << 8 | (header[3] & 0xff);
        if (length < 0) {
            throw new ProtocolException.BrokenStream("negative frame length " + length);
        }
        if (length > maxFrameBytes) {
            throw new ProtocolException.BrokenStream(
                    "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
        }
        readBody(length);
        try {
            return decode(length);
        } finally {
            if (body.length > RETAINED_BUFFER_BYTES) {
                body = new byte[INITIAL_BUFFER_BYTES];
            }
            valueText.clear(RETAINED_BUFFER_BYTES);
        }
    }

    /**
     * Returns how many bytes this reader has taken from the stream.
     *
     * @return bytes, headers included
     */
    public long bytesRead() {
        return bytesRead;
    }

    private boolean readHeader() throws IOException {
        int filled = 0;
        while (filled < header.length) {
            int n = in.read(header, filled, header.length - filled);
            if (n < 0) {
                if (filled == 0) {
                    return false;
                }
                throw new EOFException("end of stream after " + filled + " of 4 frame header bytes");
            }
            filled += n;
            bytesRead += n;
        }
        return true;
    }

    private void readBody(int length) throws IOException {
        int filled = 0;
        while (filled < length) {
            if (filled == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(length, 2L * body.length));
            }
            int n = in.read(body, filled, Math.min(length, body.length) - filled);
            if (n < 0) {
                throw new EOFException("end of stream after " + filled + " of " + length + " frame bytes");
            }
            filled += n;
            bytesRead += n;
        }
    }

    private SpeicherCommand decode(int length) throws ProtocolException {
        int error = JsonValidator.firstError(body, 0, length);
        if (error != JsonValidator.VALID) {
            throw malformed("request is not valid JSON (error at byte " + error + ")");
        }
        if (!(parse(new String(body, 0, length, UTF_8)) instanceof JsonObject request)) {
            throw malformed("request is not a JSON object");
        }
        String command = command(request);
        return switch (command) {
            case SpeicherWords.SET -> new SpeicherCommand.Set(key(request), value(request));
            case SpeicherWords.GET -> new SpeicherCommand.Get(key(request));
            case SpeicherWords.DEL -> new SpeicherCommand.Delete(key(request));
            case SpeicherWords.RST -> new SpeicherCommand.Reset();
            default -> throw malformed("unknown command " + echo(command));
        };
    }

    private static JsonElement parse(String text) throws ProtocolException {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        try {
            return JsonParser.parseReader(reader);
        } catch (JsonParseException e) {
            // The validator accepted the text, so Gson disagreeing would be a bug of one of them.
            throw malformed("request is not valid JSON");
        }
    }

    private static String command(JsonObject request) throws ProtocolException {
        JsonElement command = request.get(SpeicherWords.COMMAND);
        if (command == null) {
            throw malformed("request has no \"command\"");
        }
        if (!(command instanceof JsonPrimitive p && p.isString())) {
            throw malformed("\"command\" is not a string");
        }
        return p.getAsString();
    }

    private static byte[] key(JsonObject request) throws ProtocolException {
        JsonElement key = request.get(SpeicherWords.KEY);
        if (key == null) {
            throw malformed("request has no \"key\"");
        }
        if (!(key instanceof JsonPrimitive p && p.isString())) {
            throw malformed("\"key\" is not a string");
        }
        String text = p.getAsString();
        if (text.isEmpty()) {
            throw malformed("\"key\" is empty");
        }
        if (hasLoneSurrogate(text)) {
            throw malformed("\"key\" has an unpaired UTF-16 surrogate escape, which UTF-8 cannot hold");
        }
        byte[] bytes = text.getBytes(UTF_8);
        if (bytes.length > MAX_KEY_BYTES) {
            throw malformed("\"key\" of " + bytes.length + " bytes exceeds the limit of " + MAX_KEY_BYTES);
        }
        return bytes;
    }

    /** The value's compact JSON text; JSON {@code null} is a value, an absent field is not. */
    private byte[] value(JsonObject request) throws ProtocolException {
        JsonElement element = request.get(SpeicherWords.VALUE);
        if (element == null) {
            throw malformed("SET request has no \"value\"");
        }
        valueText.clear(RETAINED_BUFFER_BYTES);
        return valueText.appendValue(element).toByteArray();
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** A client's string, quoted and shortened, for an error message. */
    private static String echo(String s) {
        String shown = s.length() > MAX_ECHOED_CHARS ? s.substring(0, MAX_ECHOED_CHARS) + "..." : s;
        return "\"" + shown + "\"";
    }

    private static ProtocolException.MalformedRequest malformed(String message) {
        return new ProtocolException.MalformedRequest(message);
    }
}
