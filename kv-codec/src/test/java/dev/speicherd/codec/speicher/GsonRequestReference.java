package dev.speicherd.codec.speicher;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.speicherd.codec.ProtocolException;
import java.io.StringReader;
import java.util.Map;

/**
 * How {@link SpeicherFrameReader} decoded a frame body before it stopped building a Gson tree:
 * the reference its one-pass decoding is compared with. Kept as it was, apart from writing the
 * value with its own copy of the tree walk {@link JsonBuffer} used to have.
 */
final class GsonRequestReference {

    private static final int MAX_ECHOED_CHARS = 32;

    private GsonRequestReference() {}

    /** The command a body decodes to; throws as the reader did for a whole but wrong frame. */
    static SpeicherCommand decode(byte[] body) throws ProtocolException.MalformedRequest {
        int error = JsonValidator.firstError(body, 0, body.length);
        if (error != JsonValidator.VALID) {
            throw malformed("request is not valid JSON (error at byte " + error + ")");
        }
        if (!(parse(new String(body, UTF_8)) instanceof JsonObject request)) {
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

    private static JsonElement parse(String text) throws ProtocolException.MalformedRequest {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        try {
            return JsonParser.parseReader(reader);
        } catch (JsonParseException e) {
            throw malformed("request is not valid JSON");
        }
    }

    private static String command(JsonObject request) throws ProtocolException.MalformedRequest {
        JsonElement command = request.get(SpeicherWords.COMMAND);
        if (command == null) {
            throw malformed("request has no \"command\"");
        }
        if (!(command instanceof JsonPrimitive p && p.isString())) {
            throw malformed("\"command\" is not a string");
        }
        return p.getAsString();
    }

    private static byte[] key(JsonObject request) throws ProtocolException.MalformedRequest {
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
        if (bytes.length > SpeicherFrameReader.MAX_KEY_BYTES) {
            throw malformed("\"key\" of " + bytes.length + " bytes exceeds the limit of "
                    + SpeicherFrameReader.MAX_KEY_BYTES);
        }
        return bytes;
    }

    private static byte[] value(JsonObject request) throws ProtocolException.MalformedRequest {
        JsonElement element = request.get(SpeicherWords.VALUE);
        if (element == null) {
            throw malformed("SET request has no \"value\"");
        }
        JsonBuffer out = new JsonBuffer(64);
        appendValue(out, element);
        return out.toByteArray();
    }

    /** What {@code JsonBuffer.appendValue(JsonElement)} did. */
    private static void appendValue(JsonBuffer out, JsonElement element) {
        if (element instanceof JsonObject object) {
            out.append((byte) '{');
            boolean first = true;
            for (Map.Entry<String, JsonElement> member : object.entrySet()) {
                if (!first) {
                    out.append((byte) ',');
                }
                first = false;
                out.appendString(member.getKey()).append((byte) ':');
                appendValue(out, member.getValue());
            }
            out.append((byte) '}');
        } else if (element instanceof JsonArray array) {
            out.append((byte) '[');
            for (int i = 0; i < array.size(); i++) {
                if (i > 0) {
                    out.append((byte) ',');
                }
                appendValue(out, array.get(i));
            }
            out.append((byte) ']');
        } else if (element instanceof JsonPrimitive primitive) {
            if (primitive.isString()) {
                out.appendString(primitive.getAsString());
            } else {
                out.append((primitive.isBoolean()
                        ? String.valueOf(primitive.getAsBoolean())
                        : primitive.getAsNumber().toString()).getBytes(US_ASCII));
            }
        } else if (element instanceof JsonNull) {
            out.append("null".getBytes(US_ASCII));
        } else {
            throw new IllegalArgumentException("not a JSON element Gson makes: " + element.getClass());
        }
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

    private static String echo(String s) {
        String shown = s.length() > MAX_ECHOED_CHARS ? s.substring(0, MAX_ECHOED_CHARS) + "..." : s;
        return "\"" + shown + "\"";
    }

    private static ProtocolException.MalformedRequest malformed(String message) {
        return new ProtocolException.MalformedRequest(message);
    }
}
