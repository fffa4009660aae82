package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which event loops serve ({@code --io}): the suite runs twice, once as the server picks by itself
 * and once with {@code SPEICHERD_IO=nio} (kv-it's pom), and these tests hold that each run served
 * the way it was meant to.
 */
class IoIT {

    /** What the pom's second run sets; absent in the first. */
    private static final String IO = System.getenv("SPEICHERD_IO");

    @Test
    void theRunWithSpeicherdIoNioServesOnNio() throws Exception {
        assumeTrue("nio".equals(IO), "the run on the loops the server picks");
        try (ServerProcess server = ServerProcess.start()) {
            assertTrue(server.stderrText().contains("; io nio;"), server.stderrText());
        }
    }

    @Test
    void onAKernelThatAllowsIoUringTheServerPicksIt() throws Exception {
        assumeTrue(IO == null, "the run on nio");
        Path disabled = Path.of("/proc/sys/kernel/io_uring_disabled");
        assumeTrue(Files.isReadable(disabled) && Files.readString(disabled).strip().equals("0"),
                "this kernel does not say it allows io_uring to everyone");
        try (ServerProcess server = ServerProcess.start()) {
            assertTrue(server.stderrText().contains("; io io_uring;"), server.stderrText());
        }
    }

    @Test
    void theFlagWinsOverTheEnvironment() throws Exception {
        try (ServerProcess server = ServerProcess.start("--io", "nio")) {
            assertTrue(server.stderrText().contains("; io nio;"), server.stderrText());
        }
    }

    @Test
    void ioUringUnderFsyncAlwaysIsRefusedNamingBothFlags() throws Exception {
        List<String> command = List.of(ServerProcess.java(), "-jar", ServerProcess.jar().toString(),
                "--io", "io_uring", "--engine", "log", "--fsync", "always");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("--io io_uring") && out.contains("--fsync always"), out);
    }
}
