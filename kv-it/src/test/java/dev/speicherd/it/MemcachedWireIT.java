package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * memcached's edge cases over a raw socket against the jar, each answered as memcached 1.6.18
 * answers it (checked by hand against the real one), and a 10,000-command pipeline.
 */
class MemcachedWireIT {

    static final int MAX_ITEM = 1024 * 1024;

    @RegisterExtension
    static final SharedServer server = new SharedServer("--max-item-size", "1m");

    @AfterEach
    void stillServing() throws IOException {
        assertTrue(server.isAlive(), server.stderrText());
        try (MemcachedWire w = new MemcachedWire(server.memcachedPort())) {
            assertEquals("STORED", w.call("set canary 0 0 2\r\nok\r\n"));
            assertEquals("VALUE canary 0 2|ok|END", w.send("get canary\r\n").untilEnd());
        }
    }

    private static MemcachedWire wire() throws IOException {
        return new MemcachedWire(server.memcachedPort());
    }

    @Test
    void keysOfTwoHundredFiftyBytesAreFineAndOneMoreIsAnError() throws IOException {
        String k250 = "k".repeat(250);
        try (MemcachedWire w = wire()) {
            assertEquals("STORED", w.call("set " + k250 + " 0 0 1\r\nx\r\n"));
            assertEquals("VALUE " + k250 + " 0 1|x|END", w.send("get " + k250 + "\r\n").untilEnd());
            assertEquals("CLIENT_ERROR bad command line format", w.call("get " + k250 + "k\r\n"));
            assertEquals("END", w.call("get absent\r\n"));
        }
    }

    @Test
    void aDataBlockLongerThanDeclaredIsABadDataChunk() throws IOException {
        try (MemcachedWire w = wire()) {
            assertEquals("CLIENT_ERROR bad data chunk", w.call("set chunk 0 0 1\r\nxyz\r\n"));
            w.send("version\r\n");
            String next = w.line();
            while (!next.startsWith("VERSION")) {
                next = w.line(); // what the rest of the bad chunk parsed as, as memcached does
            }
            assertTrue(next.startsWith("VERSION "), next);
        }
    }

    @Test
    void anItemOverTheLimitIsRefusedAndItsDataSwallowed() throws IOException {
        try (MemcachedWire w = wire()) {
            ByteArrayOutputStream cmd = new ByteArrayOutputStream();
            cmd.writeBytes(("set big 0 0 " + (MAX_ITEM + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] data = new byte[MAX_ITEM + 1];
            Arrays.fill(data, (byte) 'x');
            cmd.writeBytes(data);
            cmd.writeBytes("\r\nget big\r\n".getBytes(StandardCharsets.US_ASCII));
            w.send(cmd.toByteArray());
            assertEquals("SERVER_ERROR object too large for cache", w.line());
            assertEquals("END", w.line());
        }
    }

    @Test
    void anItemAtTheLimitIsStored() throws IOException {
        try (MemcachedWire w = wire()) {
            byte[] data = new byte[MAX_ITEM];
            Arrays.fill(data, (byte) 'y');
            w.send(("set exact 0 0 " + MAX_ITEM + "\r\n").getBytes(StandardCharsets.US_ASCII));
            w.send(data);
            assertEquals("STORED", w.call("\r\n"));
            assertEquals("VALUE exact 0 " + MAX_ITEM, w.call("get exact\r\n"));
            byte[] back = w.in.readNBytes(MAX_ITEM + 2);
            assertEquals('y', back[MAX_ITEM - 1]);
            assertEquals("END", w.line());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bogus", "GET a", "sets a 0 0 1", "touch a", ""})
    void unknownCommandsAreErrors(String line) throws IOException {
        try (MemcachedWire w = wire()) {
            assertEquals("ERROR", w.call(line + "\r\n"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"set a 0 0 -1", "set a 0 0 abc", "set a x 0 1", "incr a -1", "incr a abc",
        "delete", "get"})
    void malformedCommandLinesAreClientErrors(String line) throws IOException {
        try (MemcachedWire w = wire()) {
            String reply = w.call(line + "\r\n");
            assertTrue(reply.startsWith("CLIENT_ERROR ") || reply.equals("ERROR"), reply);
            assertEquals("END", w.call("get absent\r\n"));
        }
    }

    @Test
    void countersFollowMemcached() throws IOException {
        try (MemcachedWire w = wire()) {
            assertEquals("NOT_FOUND", w.call("incr nosuch 1\r\n"));
            assertEquals("STORED", w.call("set text 0 0 2\r\nhi\r\n"));
            assertEquals("CLIENT_ERROR cannot increment or decrement non-numeric value", w.call("incr text 1\r\n"));
            assertEquals("STORED", w.call("set n 0 0 20\r\n18446744073709551615\r\n"));
            assertEquals("0", w.call("incr n 1\r\n"));
            assertEquals("0", w.call("decr n 5\r\n"));
            assertEquals("18446744073709551615", w.call("incr n 18446744073709551615\r\n"));
            assertEquals("CLIENT_ERROR invalid numeric delta argument", w.call("incr n 18446744073709551616\r\n"));
        }
    }

    @Test
    void metaArithmeticHonoursTheCompareAndSwapToken() throws IOException {
        try (MemcachedWire w = wire()) {
            assertEquals("HD", w.call("ms mcas 1\r\n5\r\n"));
            String header = w.call("mg mcas c\r\n");
            long cas = Long.parseLong(header.substring(header.indexOf(" c") + 2));
            assertEquals("EX", w.call("ma mcas C" + (cas + 1) + " v\r\n"));
            assertEquals("VA 1", w.call("ma mcas C" + cas + " v\r\n"));
            assertEquals("6", w.line());
            assertEquals("EX", w.call("ma mcas C" + cas + "\r\n"), "the token changed with the value");
        }
    }

    @Test
    void flagsAreThirtyTwoBitsAndComeBackUnsigned() throws IOException {
        try (MemcachedWire w = wire()) {
            assertEquals("STORED", w.call("set f 4294967295 0 1\r\nx\r\n"));
            assertEquals("VALUE f 4294967295 1|x|END", w.send("get f\r\n").untilEnd());
        }
    }

    @Test
    void aNegativeExptimeStoresNothingVisible() throws IOException {
        try (MemcachedWire w = wire()) {
            assertEquals("STORED", w.call("set gone 0 -1 1\r\nx\r\n"));
            assertEquals("END", w.call("get gone\r\n"));
        }
    }

    /**
     * Real time on the server's loops, whose clock is read once per turn, not once per request:
     * an item's time to live counts down as the seconds pass, and the item goes when it is over.
     */
    @Test
    void aTimeToLiveCountsDownInRealTime() throws Exception {
        try (MemcachedWire w = wire()) {
            long sent = System.currentTimeMillis();
            assertEquals("STORED", w.call("set brief 0 3 1\r\nx\r\n"));
            assertEquals("HD t3", w.call("mg brief t\r\n"));
            Thread.sleep(1_100);
            String later = w.call("mg brief t\r\n");
            assertTrue(later.equals("HD t2") || later.equals("HD t1"), "1.1 s after a set for 3 s: " + later);
            while (!w.call("mg brief t\r\n").equals("EN")) {
                assertTrue(System.currentTimeMillis() - sent < 10_000, "still there 10 s after it was set for 3 s");
                Thread.sleep(20);
            }
            long gone = System.currentTimeMillis();
            assertTrue(gone - sent >= 3_000, "gone " + (gone - sent) + " ms after it was set for 3 s");
        }
    }

    @Test
    void noreplyIsSilentAndTheStreamStaysInStep() throws IOException {
        try (MemcachedWire w = wire()) {
            w.send("set q 0 0 1 noreply\r\nx\r\nappend q 0 0 1 noreply\r\ny\r\nincr nosuch 1 noreply\r\n"
                    + "delete nosuch noreply\r\nget q\r\n");
            assertEquals("VALUE q 0 2|xy|END", w.untilEnd());
        }
    }

    @Test
    void tenThousandPipelinedCommandsAreAnsweredInOrder() throws IOException {
        int n = 10_000;
        try (MemcachedWire w = wire()) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < n; i++) {
                batch.append("set p").append(i).append(" 0 0 ").append(Integer.toString(i).length())
                        .append("\r\n").append(i).append("\r\n");
            }
            for (int i = 0; i < n; i++) {
                batch.append("get p").append(i).append("\r\n");
            }
            w.send(batch.toString());
            for (int i = 0; i < n; i++) {
                assertEquals("STORED", w.line(), "set " + i);
            }
            for (int i = 0; i < n; i++) {
                assertEquals("VALUE p" + i + " 0 " + Integer.toString(i).length() + "|" + i + "|END",
                        w.untilEnd(), "get " + i);
            }
        }
    }

    @Test
    void aHugeLineWithoutNewlineCostsOnlyItsConnection() throws IOException {
        try (MemcachedWire w = wire()) {
            byte[] junk = new byte[8 * 1024 * 1024];
            Arrays.fill(junk, (byte) 'x');
            try {
                w.send(junk);
            } catch (IOException e) {
                // the server may close before reading it all: that is an acceptable answer
            }
            String reply = w.line();
            assertTrue(reply == null || reply.startsWith("CLIENT_ERROR") || reply.startsWith("ERROR"),
                    String.valueOf(reply));
        }
    }

    @Test
    void quitClosesTheConnection() throws IOException {
        try (MemcachedWire w = wire()) {
            assertNull(w.call("quit\r\n"));
        }
    }
}
