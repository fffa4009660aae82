package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --max-connections} and {@code --idle-timeout}, at their edges, against the jar. */
class ConnectionLimitsIT {

    static final int MAX_CONNECTIONS = 4;

    @Test
    void theLastPermittedConnectionIsServedAndTheNextIsRefusedInItsPortsProtocol() throws Exception {
        try (ServerProcess server = ServerProcess.start("--max-connections", Integer.toString(MAX_CONNECTIONS))) {
            List<MemcachedWire> open = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_CONNECTIONS; i++) {
                    MemcachedWire w = new MemcachedWire(server.memcachedPort);
                    open.add(w);
                    assertEquals("STORED", w.call("set c" + i + " 0 0 1\r\nx\r\n"), "connection " + (i + 1));
                }
                try (MemcachedWire refused = new MemcachedWire(server.memcachedPort)) {
                    assertEquals("SERVER_ERROR too many open connections", refused.line());
                    assertNull(refused.line());
                }
                try (SpeicherWire refused = new SpeicherWire(server.speicherPort)) {
                    JsonObject reply = refused.reply();
                    assertEquals(503, reply.get("status_code").getAsInt(), reply.toString());
                    assertEquals("too many open connections", reply.get("error").getAsString());
                    assertTrue(SpeicherWire.closedByServer(refused.in));
                }
                open.remove(0).close();
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (true) { // the permit comes back once the server has seen the close
                    try (MemcachedWire again = new MemcachedWire(server.memcachedPort)) {
                        String reply = again.call("get c1\r\n");
                        if (reply.startsWith("VALUE")) {
                            break;
                        }
                        assertEquals("SERVER_ERROR too many open connections", reply);
                    }
                    assertTrue(System.nanoTime() < deadline, "the freed permit never came back");
                    Thread.sleep(20);
                }
                assertTrue(server.isAlive());
            } finally {
                for (MemcachedWire w : open) {
                    w.close();
                }
            }
        }
    }

    @Test
    void aClientThatStopsReadingBlocksOnlyItself() throws Exception {
        int valueBytes = 512 * 1024;
        // 18 MB of requests for a terabyte of replies: more than the kernel buffers on both sides
        int batches = 200;
        String batch = "get big\r\n".repeat(10_000);
        try (ServerProcess server = ServerProcess.start();
                MemcachedWire slow = new MemcachedWire(server.memcachedPort);
                MemcachedWire other = new MemcachedWire(server.memcachedPort)) {
            assertEquals("STORED", other.call("set big 0 0 " + valueBytes + "\r\n" + "b".repeat(valueBytes) + "\r\n"));
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (int i = 0; i < batches; i++) {
                        slow.send(batch);
                    }
                } catch (IOException e) {
                    // the test closes the socket while this is blocked: expected
                }
            });
            Thread.sleep(500); // the slow client's buffers are full by now and the server blocks on it
            for (int i = 0; i < 200; i++) {
                assertEquals("STORED", other.call("set k" + i + " 0 0 1\r\nx\r\n"));
                assertEquals("VALUE k" + i + " 0 1|x|END", other.send("get k" + i + "\r\n").untilEnd());
            }
            assertEquals("VALUE big 0 " + valueBytes, slow.line(), "the slow client's first reply starts in order");
            assertTrue(writer.isAlive(),
                    "the server read all of the slow client's requests although it could not send the replies");
            slow.close();
            writer.join(10_000);
            assertTrue(server.isAlive());
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheTimeoutAndABusyOneIsNot() throws Exception {
        try (ServerProcess server = ServerProcess.start("--idle-timeout", "1");
                MemcachedWire idle = new MemcachedWire(server.memcachedPort);
                MemcachedWire busy = new MemcachedWire(server.memcachedPort)) {
            long started = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                assertEquals("END", busy.call("get nothing\r\n"));
                Thread.sleep(250);
            }
            assertNull(idle.line(), "the idle connection was not closed");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= 900, "closed after " + millis + " ms");
            assertEquals("END", busy.call("get nothing\r\n"));
        }
    }

    @Test
    void speicherFramesGoThroughTheIdleTimeoutToo() throws Exception {
        try (ServerProcess server = ServerProcess.start("--idle-timeout", "1");
                SpeicherWire w = new SpeicherWire(server.speicherPort)) {
            JsonObject ok = w.call("{\"command\":\"SET\",\"key\":\"k\",\"value\":1}");
            assertEquals(200, ok.get("status_code").getAsInt());
            assertTrue(SpeicherWire.closedByServer(w.in));
        }
    }
}
