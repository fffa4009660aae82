package dev.speicherd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.bench.FakeServer.Fault;
import dev.speicherd.bench.ProtocolConnection.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator against small in-process servers: right ones and lying ones. Runs are
 * short; a run that hangs (a lost wake-up in the scheduled load, say) fails on the timeout.
 */
@Timeout(60)
class LoadGeneratorTest {

    /** What one run printed and returned. */
    record Run(int status, String out, String err) {}

    private static Run run(Protocol protocol, int port, String... flags) {
        List<String> args = new ArrayList<>(List.of("--protocol", protocol.name().toLowerCase(), "--port",
                Integer.toString(port), "--connections", "4", "--key-space", "1000", "--value-bytes", "20",
                "--seconds", "0.3", "--warmup", "0.1", "--timeout-ms", "2000"));
        args.addAll(List.of(flags));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LoadGenerator.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static long resultField(String out, String name) {
        for (String line : out.split("\n")) {
            if (line.startsWith("RESULT ")) {
                for (String field : line.substring(7).split(" ")) {
                    if (field.startsWith(name + "=")) {
                        return (long) Double.parseDouble(field.substring(name.length() + 1));
                    }
                }
            }
        }
        throw new AssertionError("no " + name + " in the RESULT line of:\n" + out);
    }

    @ParameterizedTest
    @CsvSource({"MEMCACHED, 1", "MEMCACHED, 8", "SPEICHER, 1", "SPEICHER, 8"})
    void aRightServerGivesNoErrors(Protocol protocol, int pipeline) throws Exception {
        try (FakeServer server = new FakeServer(protocol, Fault.NONE)) {
            Run run = run(protocol, server.port(), "--pipeline", Integer.toString(pipeline));
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("errors: none"), run.out());
            assertEquals(0, resultField(run.out(), "errors"));
            long ops = resultField(run.out(), "ops");
            assertTrue(ops > 0, run.out());
            // preload (1,000 sets) plus at least the measured requests reached the server
            assertTrue(server.requests.get() >= 1000 + ops, server.requests + " requests for " + ops + " ops");
            assertTrue(resultField(run.out(), "p99_us") >= resultField(run.out(), "p50_us"), run.out());
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aFixedRateSendsTheRequestsDueInTheWindowAndNoMore(Protocol protocol) throws Exception {
        try (FakeServer server = new FakeServer(protocol, Fault.NONE)) {
            // 4 connections, batches of 2, 2,000 requests/s: a batch every 4 ms per connection,
            // 125 per connection in the 0.5 s measured, 1,000 requests. The count follows the
            // schedule, not the clock: each connection may have one batch more or less in the
            // window, depending on its phase, however late the batches went out.
            Run run = run(protocol, server.port(), "--rate", "2000", "--pipeline", "2", "--seconds", "0.5");
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("offered at 2,000 ops/s"), run.out());
            assertEquals(2000, resultField(run.out(), "rate"));
            long ops = resultField(run.out(), "ops");
            assertTrue(ops >= 1000 - 8 && ops <= 1000 + 8, ops + " ops:\n" + run.out());
        }
    }

    @Test
    void aTimelineHasALineForEveryMeasuredReplyDueInTheWindow(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("timeline.txt");
        try (FakeServer server = new FakeServer(Protocol.MEMCACHED, Fault.NONE)) {
            Run run = run(Protocol.MEMCACHED, server.port(), "--rate", "2000", "--pipeline", "2", "--seconds", "0.5",
                    "--timeline", file.toString());
            assertEquals(0, run.status(), run.out() + run.err());
            long ops = resultField(run.out(), "ops");
            List<String> lines = Files.readAllLines(file);
            assertEquals(Timeline.HEADER, lines.get(0));
            assertEquals(ops, lines.size() - 1, "one line per measured reply");
            String said = "timeline: " + String.format(Locale.ROOT, "%,d", ops) + " replies in " + file;
            assertTrue(run.out().contains(said), run.out());
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(" ");
                assertEquals(2, f.length, line);
                long due = Long.parseLong(f[0]);
                long latency = Long.parseLong(f[1]);
                assertTrue(latency > 0 && latency < 2_000_000_000L, line);
                first = Math.min(first, due);
                last = Math.max(last, due);
            }
            // due times span the measured 0.5 s, less at most one batch interval (4 ms) per end
            long span = last - first;
            assertTrue(span > 480_000_000L && span <= 500_000_000L, "due times span " + span + " ns");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aFixedRateReadsRepliesThatComeInPieces(Protocol protocol) throws Exception {
        try (FakeServer server = new FakeServer(protocol, Fault.TRICKLE)) {
            // Every reply is longer than one piece, so each one is read again from its start at
            // least once; a reply read out of step would count as an error or break the run.
            Run run = run(protocol, server.port(), "--rate", "1000", "--pipeline", "2", "--seconds", "0.5");
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("errors: none"), run.out());
            long ops = resultField(run.out(), "ops");
            assertTrue(ops >= 500 - 8 && ops <= 500 + 8, ops + " ops:\n" + run.out());
        }
    }

    @ParameterizedTest
    @CsvSource({"MEMCACHED, MISS, miss", "SPEICHER, MISS, miss", "MEMCACHED, WRONG_VALUE, wrong value",
        "SPEICHER, WRONG_VALUE, wrong value"})
    void aFixedRateCountsWrongRepliesToo(Protocol protocol, Fault fault, String said) throws Exception {
        try (FakeServer server = new FakeServer(protocol, fault)) {
            Run run = run(protocol, server.port(), "--rate", "4000", "--pipeline", "4");
            assertEquals(1, run.status(), run.out());
            assertTrue(run.out().contains(said), run.out());
            assertTrue(resultField(run.out(), "errors") > 0, run.out());
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aFixedRateReconnectsAfterAHangUp(Protocol protocol) throws Exception {
        try (FakeServer server = new FakeServer(protocol, Fault.HANG_UP)) {
            // 8,000 requests/s for 1.1 s: 2,200 per connection. Cut off after 500 each and never
            // reconnected, the 4 connections would reach 2,000 requests beyond the 1,000 preloaded.
            Run run = run(protocol, server.port(), "--rate", "8000", "--pipeline", "4", "--seconds", "1");
            assertEquals(1, run.status(), run.out());
            assertTrue(run.out().contains("connection: "), run.out());
            assertTrue(server.requests.get() > 2000 + 1000, server.requests + " requests:\n" + run.out());
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void missesAreErrorsAndSaidLoudly(Protocol protocol) throws Exception {
        try (FakeServer server = new FakeServer(protocol, Fault.MISS)) {
            Run run = run(protocol, server.port(), "--pipeline", "4");
            assertEquals(1, run.status(), run.out());
            assertTrue(run.out().contains("ERRORS: this run's numbers are not valid"), run.out());
            assertTrue(run.out().contains("miss"), run.out());
            assertTrue(run.err().contains("ERRORS"), run.err());
            assertTrue(resultField(run.out(), "errors") > 0, run.out());
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void anotherKeysValueIsAnError(Protocol protocol) throws Exception {
        try (FakeServer server = new FakeServer(protocol, Fault.WRONG_VALUE)) {
            Run run = run(protocol, server.port());
            assertEquals(1, run.status(), run.out());
            assertTrue(run.out().contains("wrong value") || run.out().contains("not for the key asked"), run.out());
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aServerThatHangsUpCostsErrorsAndAReconnect(Protocol protocol) throws Exception {
        try (FakeServer server = new FakeServer(protocol, Fault.HANG_UP)) {
            Run run = run(protocol, server.port(), "--pipeline", "8", "--seconds", "1");
            assertEquals(1, run.status(), run.out());
            assertTrue(run.out().contains("connection: "), run.out());
            // 4 connections that are each cut off after 500 requests served only 2,000 without reconnecting
            assertTrue(server.requests.get() > 2000, server.requests + " requests:\n" + run.out());
        }
    }

    @Test
    void noServerIsAnErrorNotAHang() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run run = run(Protocol.MEMCACHED, port);
        assertEquals(1, run.status());
        assertTrue(run.err().contains("cannot connect"), run.err());
    }

    @Test
    void flagsParse() {
        LoadGenerator.Options o = LoadGenerator.parse(new String[] {"--protocol", "speicher", "--pipeline=16",
            "--seconds", "2.5", "--get-ratio", "0.5", "--no-preload"});
        assertEquals(Protocol.SPEICHER, o.protocol());
        assertEquals(14567, o.port());
        assertEquals(16, o.pipeline());
        assertEquals(2.5, o.seconds());
        assertEquals(0.5, o.getRatio());
        assertEquals(false, o.preload());
        assertEquals(11211, LoadGenerator.parse(new String[0]).port());
        assertNull(LoadGenerator.parse(new String[] {"--help"}));
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.parse(new String[] {"--get-ratio", "2"}));
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.parse(new String[] {"--protocol", "http"}));
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.parse(new String[] {"--pipeline"}));
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.parse(new String[] {"--bogus", "1"}));
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.parse(new String[] {"--rate", "-1"}));
        assertEquals(0, LoadGenerator.parse(new String[0]).rate());
        assertEquals(50_000, LoadGenerator.parse(new String[] {"--rate", "50000"}).rate());
        assertEquals(2, run(Protocol.MEMCACHED, 1, "--bogus", "1").status());
        assertEquals(Path.of("t.txt"),
                LoadGenerator.parse(new String[] {"--rate", "10", "--timeline", "t.txt"}).timeline());
        assertNull(LoadGenerator.parse(new String[0]).timeline());
        IllegalArgumentException closedLoop = assertThrows(IllegalArgumentException.class,
                () -> LoadGenerator.parse(new String[] {"--timeline", "t.txt"}));
        assertTrue(closedLoop.getMessage().contains("needs --rate"), closedLoop.getMessage());
        // room for 20,000,000 replies (the rate's 1 % more, and one batch per connection) fits; one more does not
        assertEquals(20_000_000, Timeline.capacity(19_801_979, 1, 1, 1));
        LoadGenerator.parse(
                new String[] {"--rate", "19801979", "--seconds", "1", "--connections", "1", "--timeline", "t"});
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> LoadGenerator.parse(
                new String[] {"--rate", "19801980", "--seconds", "1", "--connections", "1", "--timeline", "t"}));
        assertTrue(tooMany.getMessage().contains("at most 20000000 replies; --rate x --seconds asks for 20000001"),
                tooMany.getMessage());
    }
}
