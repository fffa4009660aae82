package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log engine on a real full disk: a 1 MiB tmpfs as the data directory. The write that no
 * longer fits gets {@code SERVER_ERROR} (memcached) or a 503 (speicher) and is not applied,
 * reads keep working, and a restart brings back exactly what was acknowledged.
 *
 * <p>Mounting needs root; where the test cannot mount, it is skipped and says why.
 */
class LogDiskFullIT {

    static final String DISK_SIZE = "1m";

    @TempDir
    Path mountPoint;

    private boolean mounted;

    @BeforeEach
    void mountATinyDisk() throws Exception {
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + DISK_SIZE, "tmpfs",
                mountPoint.toString()).redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes());
        assumeTrue(mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "cannot mount a tmpfs here (not root?): " + out);
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", mountPoint.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWriteThatDoesNotFitIsRefusedAndNothingAcknowledgedIsLost() throws Exception {
        String value = "x".repeat(1000);
        String[] flags = {"--engine", "log", "--data-dir", mountPoint.toString(), "--fsync", "always", "-m", "0"};
        int stored = 0;
        try (ServerProcess server = ServerProcess.start(flags);
                MemcachedWire m = new MemcachedWire(server.memcachedPort);
                SpeicherWire s = new SpeicherWire(server.speicherPort)) {
            String reply;
            while ((reply = m.call("set k" + stored + " 0 0 1000\r\n" + value + "\r\n")).equals("STORED")) {
                stored++;
                assertTrue(stored < 2000, "a 1 MiB disk took " + stored + " KB of items");
            }
            assertTrue(reply.startsWith("SERVER_ERROR "), reply);
            assertTrue(stored > 100, "only " + stored + " items fit");
            assertEquals("END", m.call("get k" + stored + "\r\n"), "the refused write was applied");
            assertEquals("VALUE k0 0 1000", m.call("get k0\r\n"), "reads stopped working");
            m.line();
            assertEquals("END", m.line());
            JsonObject refused = s.call("{\"command\":\"SET\",\"key\":\"sp\",\"value\":\"" + value + "\"}");
            assertEquals(503, refused.get("status_code").getAsInt(), refused.toString());
            assertTrue(refused.get("error").getAsString().length() > 0);
            assertEquals(404, s.call("{\"command\":\"GET\",\"key\":\"sp\"}").get("status_code").getAsInt());
            assertTrue(server.isAlive());
            assertEquals(0, server.terminate(), server.stderrText());
        }
        try (ServerProcess server = ServerProcess.start(flags);
                MemcachedWire m = new MemcachedWire(server.memcachedPort)) {
            for (int i = 0; i < stored; i++) {
                assertEquals("VALUE k" + i + " 0 1000|" + value + "|END", m.send("get k" + i + "\r\n").untilEnd());
            }
            assertEquals("END", m.call("get k" + stored + "\r\n"));
        }
    }
}
