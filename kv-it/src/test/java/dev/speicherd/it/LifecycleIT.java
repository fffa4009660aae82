package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Starting, flags and stopping, as an operator meets them. */
class LifecycleIT {

    @Test
    void sigtermStopsWithExitZeroWhileAClientIsConnected() throws Exception {
        ServerProcess server = ServerProcess.start();
        try (SpeicherWire idle = new SpeicherWire(server.speicherPort);
                SpeicherWire busy = new SpeicherWire(server.speicherPort)) {
            assertEquals(200, busy.call("{\"command\":\"SET\",\"key\":\"k\",\"value\":1}")
                    .get("status_code").getAsInt());
            long started = System.nanoTime();
            assertEquals(0, server.terminate(), server.stderrText());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(millis < 8000, "took " + millis + " ms");
            assertTrue(SpeicherWire.closedByServer(idle.in));
            assertTrue(server.stderrText().contains("speicherd stopped"), server.stderrText());
        }
    }

    @Test
    void helpListsEveryFlag() throws Exception {
        Run run = run("--help");
        assertEquals(0, run.exit());
        for (String flag : List.of("--speicher-port", "--memcached-port", "-p", "--listen", "-l",
                "--engine", "--data-dir", "--fsync", "--memory-limit", "-m", "--max-item-size", "-I",
                "--max-connections", "-c", "--idle-timeout", "-v", "--version")) {
            assertTrue(run.output().contains(flag), flag + " missing from:\n" + run.output());
        }
    }

    @ParameterizedTest
    @CsvSource({
        "--no-such-flag, --no-such-flag",
        "--speicher-port=70000, --speicher-port",
        "--memcached-port=abc, --memcached-port",
        "--engine=disk, --engine",
        "--fsync=sometimes, --fsync",
        "--memory-limit=lots, --memory-limit",
        "--max-item-size=1, --max-item-size",
        "--max-connections=0, --max-connections",
        "--idle-timeout=-1, --idle-timeout",
        "--listen=no.such.host.invalid, --listen",
        "--io=epoll, --io",
    })
    void aBadFlagGetsOneLineNamingItAndExitTwo(String arg, String named) throws Exception {
        Run run = run(arg);
        assertEquals(2, run.exit(), run.output());
        String out = run.output().strip();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains(named), out);
    }

    private record Run(int exit, String output) {}

    private static Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-jar",
                ServerProcess.jar().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }
}
