package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Both protocols see the same items, mapped as the README's "One keyspace" says. */
class OneKeyspaceIT {

    @RegisterExtension
    static final SharedServer server = new SharedServer();

    @Test
    void aSpeicherSetReadsOverMemcachedAsItsJsonText() throws IOException {
        try (SpeicherWire s = new SpeicherWire(server.speicherPort());
                MemcachedWire m = new MemcachedWire(server.memcachedPort())) {
            s.call("{\"command\":\"SET\",\"key\":\"sk\",\"value\":{\"a\":[1,\"zwei\",1e+100]}}");
            String json = "{\"a\":[1,\"zwei\",1e+100]}";
            assertEquals("VALUE sk 0 " + json.length() + "|" + json + "|END", m.send("get sk\r\n").untilEnd());
            s.call("{\"command\":\"SET\",\"key\":\"str\",\"value\":\"hi\"}");
            assertEquals("VALUE str 0 4|\"hi\"|END", m.send("get str\r\n").untilEnd());
        }
    }

    @Test
    void memcachedBytesReadOverSpeicherAsJsonWhenTheyAreJsonAndAsAStringOtherwise() throws IOException {
        try (SpeicherWire s = new SpeicherWire(server.speicherPort());
                MemcachedWire m = new MemcachedWire(server.memcachedPort())) {
            m.call("set num 0 0 2\r\n42\r\n");
            m.call("set obj 0 0 13\r\n{\"x\": [true]}\r\n");
            m.call("set word 0 0 5\r\nhello\r\n");
            byte[] latin = "set bad 0 0 3\r\n\u00ff\u00fe!\r\n".getBytes(StandardCharsets.ISO_8859_1);
            m.send(latin).line();
            assertEquals("42", s.call("{\"command\":\"GET\",\"key\":\"num\"}").get("value").toString());
            assertEquals("{\"x\":[true]}", s.call("{\"command\":\"GET\",\"key\":\"obj\"}").get("value").toString());
            assertEquals("hello", s.call("{\"command\":\"GET\",\"key\":\"word\"}").get("value").getAsString());
            assertEquals("\ufffd\ufffd!", s.call("{\"command\":\"GET\",\"key\":\"bad\"}").get("value").getAsString());
        }
    }

    @Test
    void deletesAndResetsCrossOver() throws IOException {
        try (SpeicherWire s = new SpeicherWire(server.speicherPort());
                MemcachedWire m = new MemcachedWire(server.memcachedPort())) {
            m.call("set d 0 0 1\r\n1\r\n");
            assertEquals(200, status(s.call("{\"command\":\"DEL\",\"key\":\"d\"}")));
            assertEquals("END", m.call("get d\r\n"));
            s.call("{\"command\":\"SET\",\"key\":\"e\",\"value\":1}");
            assertEquals("DELETED", m.call("delete e\r\n"));
            assertEquals(404, status(s.call("{\"command\":\"GET\",\"key\":\"e\"}")));
            m.call("set r 0 0 1\r\n1\r\n");
            assertEquals(200, status(s.call("{\"command\":\"RST\"}")));
            assertEquals("END", m.call("get r\r\n"));
        }
    }

    @Test
    void aSpeicherCounterCanBeIncrementedOverMemcached() throws IOException {
        try (SpeicherWire s = new SpeicherWire(server.speicherPort());
                MemcachedWire m = new MemcachedWire(server.memcachedPort())) {
            s.call("{\"command\":\"SET\",\"key\":\"hits\",\"value\":41}");
            assertEquals("42", m.call("incr hits 1\r\n"));
            JsonObject reply = s.call("{\"command\":\"GET\",\"key\":\"hits\"}");
            assertEquals(42, reply.get("value").getAsInt());
        }
    }

    private static int status(JsonObject reply) {
        return reply.get("status_code").getAsInt();
    }
}
