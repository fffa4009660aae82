package dev.speicherd.codec.speicher;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.speicherd.codec.InputDemand;
import dev.speicherd.codec.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads speicher requests from a stream, one frame at a time: a 4-byte signed big-endian
 * length, then that many bytes of UTF-8 JSON holding an object with a {@code command}.
 *
 * <p>A frame is read into a buffer that grows only as its bytes actually arrive, so a length
 * prefix that claims much more than the client sends costs no more memory than what it sent.
 * The JSON is checked by {@link JsonValidator} (strict RFC 8259, valid UTF-8, nesting at most
 * {@link JsonValidator#MAX_DEPTH}), so what counts as JSON on the way in is the same as what
 * counts as JSON for {@link SpeicherValues#toJson} on the way out. Then one pass over the
 * checked bytes, without a tree, finds the request's members (of a repeated one the last
 * counts), decodes the key's string to UTF-8 and writes the value's compact JSON text ({@link
 * JsonCompactor}); a GET costs the key and the command object.
 *
 * <p>Not thread-safe: one reader per connection.
 */
public final class SpeicherFrameReader {

    /** The longest key in UTF-8 bytes; memcached's limit, so that both protocols share keys. */
    public static final int MAX_KEY_BYTES = 250;

    /** The request members the reader looks at; others are stepped over. */
    private static final String[] MEMBERS = {SpeicherWords.COMMAND, SpeicherWords.KEY, SpeicherWords.VALUE};
    private static final String[] COMMANDS = {
        SpeicherWords.SET, SpeicherWords.GET, SpeicherWords.DEL, SpeicherWords.RST,
    };
    /** The position of a member the request does not have. */
    private static final int ABSENT = -1;
    /** How much of an unknown command's name an error message repeats. */
    private static final int MAX_ECHOED_CHARS = 32;
    private static final int INITIAL_BUFFER_BYTES = 4 * 1024;
    /** A buffer grown past this by one large frame is dropped after it, not kept per connection. */
    private static final int RETAINED_BUFFER_BYTES = 64 * 1024;

    private final InputStream in;
    private final int maxFrameBytes;
    private final byte[] header = new byte[SpeicherWords.HEADER_BYTES];
    private byte[] body = new byte[INITIAL_BUFFER_BYTES];
    /** The value's compact text, and room to decode the key and member names in after it. */
    private final JsonBuffer text = new JsonBuffer(INITIAL_BUFFER_BYTES);
    private final JsonCompactor compactor = new JsonCompactor(text);

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
            text.clear(RETAINED_BUFFER_BYTES);
            compactor.clear();
        }
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
        }
        return true;
    }

    private void readBody(int length) throws IOException {
        InputDemand.require(in, length);
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
        }
    }

    private SpeicherCommand decode(int length) throws ProtocolException {
        int error = JsonValidator.firstError(body, 0, length);
        if (error != JsonValidator.VALID) {
            throw malformed("request is not valid JSON (error at byte " + error + ")");
        }
        int i = JsonValidator.skipWhitespace(body, 0, length);
        if (body[i] != '{') {
            throw malformed("request is not a JSON object");
        }
        // Where each member's value starts and, for a string, its closing quote (see
        // closingQuote); of repeated members the last counts, as in a tree.
        int commandAt = ABSENT;
        int commandQuote = ABSENT;
        int keyAt = ABSENT;
        int keyQuote = ABSENT;
        int valueStart = ABSENT;
        int valueEnd = ABSENT;
        i = JsonValidator.skipWhitespace(body, i + 1, length);
        while (body[i] != '}') {
            int nameQuote = closingQuote(i + 1);
            String name = word(i + 1, nameQuote, MEMBERS);
            i = JsonValidator.skipWhitespace(body, afterString(nameQuote), length);
            i = JsonValidator.skipWhitespace(body, i + 1, length); // past the ':'
            if (SpeicherWords.VALUE.equals(name)) {
                valueStart = text.size();
                i = compactor.appendValue(body, i);
                valueEnd = text.size();
            } else {
                int quote = body[i] == '"' ? closingQuote(i + 1) : ABSENT;
                if (SpeicherWords.COMMAND.equals(name)) {
                    commandAt = i;
                    commandQuote = quote;
                } else if (SpeicherWords.KEY.equals(name)) {
                    keyAt = i;
                    keyQuote = quote;
                }
                i = body[i] == '"' ? afterString(quote) : compactor.skipValue(body, i);
            }
            i = JsonValidator.skipWhitespace(body, i, length);
            if (body[i] == ',') {
                i = JsonValidator.skipWhitespace(body, i + 1, length);
            }
        }
        return switch (command(commandAt, commandQuote)) {
            case SpeicherWords.SET -> new SpeicherCommand.Set(key(keyAt, keyQuote), value(valueStart, valueEnd));
            case SpeicherWords.GET -> new SpeicherCommand.Get(key(keyAt, keyQuote));
            case SpeicherWords.DEL -> new SpeicherCommand.Delete(key(keyAt, keyQuote));
            default -> new SpeicherCommand.Reset();
        };
    }

    /** The command word whose value starts at {@code body[at]}, one of {@link #COMMANDS}. */
    private String command(int at, int quote) throws ProtocolException {
        if (at == ABSENT) {
            throw malformed("request has no \"command\"");
        }
        if (body[at] != '"') {
            throw malformed("\"command\" is not a string");
        }
        String command = word(at + 1, quote, COMMANDS);
        if (command == null) {
            throw malformed("unknown command " + echo(javaString(at + 1)));
        }
        return command;
    }

    private byte[] key(int at, int quote) throws ProtocolException {
        if (at == ABSENT) {
            throw malformed("request has no \"key\"");
        }
        if (body[at] != '"') {
            throw malformed("\"key\" is not a string");
        }
        if (body[at + 1] == '"') {
            throw malformed("\"key\" is empty");
        }
        byte[] utf8 = body;
        int start = at + 1;
        int end = quote;
        if (quote < 0) {
            utf8 = text.array();
            start = text.size();
            if (text.appendStringLiteral(body, at + 1, false) < 0) {
                throw malformed("\"key\" has an unpaired UTF-16 surrogate escape, which UTF-8 cannot hold");
            }
            end = text.size();
        }
        if (end - start > MAX_KEY_BYTES) {
            throw malformed("\"key\" of " + (end - start) + " bytes exceeds the limit of " + MAX_KEY_BYTES);
        }
        return Arrays.copyOfRange(utf8, start, end);
    }

    /** The value's compact JSON text; JSON {@code null} is a value, an absent field is not. */
    private byte[] value(int start, int end) throws ProtocolException {
        if (start == ABSENT) {
            throw malformed("SET request has no \"value\"");
        }
        return Arrays.copyOfRange(text.array(), start, end);
    }

    /**
     * The one of {@code words} (ASCII) that the JSON string whose content starts at {@code
     * body[start]} holds, or null.
     */
    private String word(int start, int quote, String[] words) {
        if (quote >= 0) {
            return word(body, start, quote, words);
        }
        int decoded = text.size();
        boolean paired = text.appendStringLiteral(body, start, false) >= 0;
        String word = paired ? word(text.array(), decoded, text.size(), words) : null;
        text.truncate(decoded);
        return word;
    }

    private static String word(byte[] utf8, int start, int end, String[] words) {
        for (String word : words) {
            if (word.length() == end - start && holds(utf8, start, word)) {
                return word;
            }
        }
        return null;
    }

    /**
     * Finds the end of the JSON string whose content starts at {@code body[i]}, in one scan.
     *
     * @return the index of its closing quote when the string has no escape, so that its bytes
     *     are its characters' UTF-8; the complement of that index ({@code ~}, negative) when it
     *     has one
     */
    private int closingQuote(int i) {
        boolean escaped = false;
        while (body[i] != '"') {
            if (body[i] == '\\') {
                escaped = true;
                i += 2; // what follows a backslash is never the end
            } else {
                i++;
            }
        }
        return escaped ? ~i : i;
    }

    /** The index after a string whose closing quote {@link #closingQuote} found. */
    private static int afterString(int quote) {
        return (quote < 0 ? ~quote : quote) + 1;
    }

    private static boolean holds(byte[] bytes, int start, String ascii) {
        for (int k = 0; k < ascii.length(); k++) {
            if (bytes[start + k] != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** The string a JSON parser makes of the literal whose content starts at {@code body[i]}. */
    private String javaString(int i) {
        StringBuilder s = new StringBuilder();
        while (body[i] != '"') {
            if (body[i] == '\\') {
                s.append(JsonBuffer.escapedChar(body, i));
                i += JsonBuffer.escapeLength(body, i);
            } else {
                int run = i;
                while (body[i] != '"' && body[i] != '\\') {
                    i++;
                }
                s.append(new String(body, run, i - run, UTF_8));
            }
        }
        return s.toString();
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
