package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeapFitTest {

    private static final long MIB = 1 << 20;

    private static ServerConfig config(String... args) throws UsageException {
        return ((ConfigParser.Request.Run) ConfigParser.parse(args, Map.of())).config();
    }

    @Test
    void theItemsTimesOneAndAHalfTheClientMemoryAndTheConnectionsFitAndOneByteLessDoesNot() throws Exception {
        ServerConfig defaults = config(); // 64 MiB of items, 64 MiB of client memory, 1,024 connections
        long needed = 96 * MIB + 64 * MIB + 1024 * HeapFit.CONNECTION_BYTES;
        assertEquals(Optional.empty(), HeapFit.warning(64 * MIB, defaults, needed));
        String warning = HeapFit.warning(64 * MIB, defaults, needed - 1).orElseThrow();
        assertTrue(warning.startsWith("memory limit 64 MiB needs a heap of at least 212 MiB (1.5 x the limit,"
                + " client memory 64 MiB, 1024 connections), and the JVM's can grow to 211 MiB"), warning);
        assertTrue(warning.contains("raise -Xmx (SPEICHERD_JAVA_OPTS) or lower the limit"), warning);
    }

    @Test
    void noItemLimitStillLeavesTheClientsTheirRoom() throws Exception {
        ServerConfig few = config("-c", "1", "--client-memory", "4m");
        assertEquals(Optional.empty(), HeapFit.warning(0, few, 4 * MIB + HeapFit.CONNECTION_BYTES));
        assertTrue(HeapFit.warning(0, few, 4 * MIB).isPresent());
    }

    @Test
    void aLimitOverTheWholeHeapIsWarnedOf() throws Exception {
        assertTrue(HeapFit.warning(1024 * MIB, config(), 512 * MIB).orElseThrow().contains("at least 1652 MiB"));
    }
}
