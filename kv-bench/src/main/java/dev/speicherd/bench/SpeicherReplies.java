package dev.speicherd.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/**
 * The slow, parsing check of a speicher reply that is not byte for byte the server's usual
 * compact form: it is still right when its JSON says the same. Runs only for replies that are
 * probably wrong, so it may allocate.
 */
final class SpeicherReplies {

    private SpeicherReplies() {}

    /** A GET's reply: right when it is {@code status_code} 200 with {@code value} the expected string. */
    static String checkGet(byte[] buf, int start, int end, String expected) {
        JsonObject reply = object(buf, start, end);
        if (reply == null) {
            return "get: a reply that is not a JSON object: " + ProtocolConnection.echo(buf, start, end);
        }
        int status = status(reply);
        if (status == 404) {
            return "get: a miss (404) for a preloaded key";
        }
        if (status != 200) {
            return "get: status " + status + ": " + ProtocolConnection.echo(buf, start, end);
        }
        JsonElement value = reply.get("value");
        if (value instanceof JsonPrimitive p && p.isString() && p.getAsString().equals(expected)) {
            return null;
        }
        return "get: the wrong value for the key asked";
    }

    /** A SET's reply: right when it is {@code status_code} 200. */
    static String checkSet(byte[] buf, int start, int end) {
        JsonObject reply = object(buf, start, end);
        if (reply == null) {
            return "set: a reply that is not a JSON object: " + ProtocolConnection.echo(buf, start, end);
        }
        int status = status(reply);
        return status == 200 ? null : "set: status " + status + ": " + ProtocolConnection.echo(buf, start, end);
    }

    private static JsonObject object(byte[] buf, int start, int end) {
        try {
            return JsonParser.parseString(new String(buf, start, end - start, UTF_8)) instanceof JsonObject o ? o : null;
        } catch (JsonParseException e) {
            return null;
        }
    }

    /** The reply's {@code status_code}, or -1 when it has none that is an integer. */
    private static int status(JsonObject reply) {
        try {
            JsonElement status = reply.get("status_code");
            return status instanceof JsonPrimitive p && p.isNumber() ? p.getAsInt() : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
