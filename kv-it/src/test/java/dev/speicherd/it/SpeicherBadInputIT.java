package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What bad speicher input gets from the jar: a 400 with an error, the connection kept when the
 * frame was whole and closed when it was not, and every other client served throughout.
 */
class SpeicherBadInputIT {

    @RegisterExtension
    static final SharedServer server = new SharedServer();

    /** After every case: the server is alive and serves a fresh client. */
    @AfterEach
    void othersAreStillServed() throws IOException {
        assertTrue(server.isAlive(), server.stderrText());
        try (SpeicherWire other = new SpeicherWire(server.speicherPort())) {
            assertEquals(200, status(other.call("{\"command\":\"SET\",\"key\":\"canary\",\"value\":[1]}")));
            JsonObject reply = other.call("{\"command\":\"GET\",\"key\":\"canary\"}");
            assertEquals(200, status(reply));
            assertEquals("[1]", reply.get("value").toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json",
        "{\"command\":\"GET\",\"key\":\"k\"",
        "[\"GET\",\"k\"]",
        "\"GET\"",
        "42",
        "null",
        "{}",
        "{\"command\":1,\"key\":\"k\"}",
        "{\"command\":\"GET\"}",
        "{\"command\":\"GET\",\"key\":7}",
        "{\"command\":\"GET\",\"key\":null}",
        "{\"command\":\"DEL\",\"key\":[\"k\"]}",
        "{\"command\":\"SET\",\"key\":\"k\"}",
        "{\"command\":\"get\",\"key\":\"k\"}",
        "{\"command\":\"DELETE\",\"key\":\"k\"}",
        "{\"command\":\"FOO\"}",
    })
    void wholeButWrongFramesGetA400AndTheConnectionGoesOn(String body) throws IOException {
        try (SpeicherWire wire = new SpeicherWire(server.speicherPort())) {
            JsonObject reply = wire.call(body);
            assertEquals(400, status(reply), reply.toString());
            assertTrue(reply.get("error").getAsString().length() > 3, reply.toString());
            assertEquals(404, status(wire.call("{\"command\":\"GET\",\"key\":\"absent\"}")));
        }
    }

    @Test
    void aNegativeLengthGetsA400AndTheConnectionIsClosed() throws IOException {
        try (SpeicherWire wire = new SpeicherWire(server.speicherPort())) {
            JsonObject reply = wire.send(ByteBuffer.allocate(4).putInt(-5).array()).reply();
            assertEquals(400, status(reply));
            assertTrue(reply.get("error").getAsString().contains("negative"), reply.toString());
            assertTrue(SpeicherWire.closedByServer(wire.in));
        }
    }

    @Test
    void aHugeLengthIsRefusedAtOnceWithoutWaitingForTheBody() throws IOException {
        try (SpeicherWire wire = new SpeicherWire(server.speicherPort())) {
            JsonObject reply = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> wire.send(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array()).reply());
            assertEquals(400, status(reply));
            assertTrue(reply.get("error").getAsString().contains("exceeds"), reply.toString());
            assertTrue(SpeicherWire.closedByServer(wire.in));
        }
    }

    @Test
    void manyHugeLengthsAtOnceDoNotExhaustTheServer() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (SpeicherWire wire = new SpeicherWire(server.speicherPort())) {
                wire.send(ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE - i).putInt(0x7b7d7b7d).array());
                assertEquals(400, status(wire.reply()));
            }
        }
    }

    @Test
    void aClientThatHangsUpMidFrameCostsOnlyItsConnection() throws IOException {
        byte[] frame = SpeicherWire.frame("{\"command\":\"SET\",\"key\":\"half\",\"value\":\"never\"}");
        try (SpeicherWire wire = new SpeicherWire(server.speicherPort())) {
            wire.send(java.util.Arrays.copyOf(frame, frame.length / 2));
        }
        try (SpeicherWire wire = new SpeicherWire(server.speicherPort())) {
            wire.send(java.util.Arrays.copyOf(frame, 2));
        }
        try (SpeicherWire wire = new SpeicherWire(server.speicherPort())) {
            assertEquals(404, status(wire.call("{\"command\":\"GET\",\"key\":\"half\"}")));
        }
    }

    private static int status(JsonObject reply) {
        return reply.get("status_code").getAsInt();
    }
}
