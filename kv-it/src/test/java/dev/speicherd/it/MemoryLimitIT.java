package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Filling the store well past {@code -m} over the memcached protocol: the bytes held stay within
 * the limit, by {@code stats} and by the JVM heap after a full GC, evictions are counted, the
 * newest items and a hot item survive, and the server keeps serving.
 */
class MemoryLimitIT {

    static final int LIMIT_MIB = 8;
    static final int VALUE_BYTES = 1000;
    static final int BATCH = 500;
    static final int ITEMS = 50 * BATCH; // 25 MB of values: three times what fits

    @Test
    void aLimitTheHeapCannotHoldIsWarnedOfAtStartAndWhenSetLater() throws Exception {
        // ServerProcess gives the JVM -Xmx512m. Beside 1.5 x the items, the default 64 MiB of client
        // memory and 1,024 connections of 52 KiB: 264 MiB of items fit the rule exactly, 265 do not
        String warning = "needs a heap of at least";
        try (ServerProcess fits = ServerProcess.start("-m", "264")) {
            assertFalse(fits.stderrText().contains(warning), fits.stderrText());
        }
        try (ServerProcess server = ServerProcess.start("-m", "265");
                MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
            assertTrue(server.stderrText().contains("memory limit 265 MiB " + warning + " 514 MiB"),
                    server.stderrText());
            assertEquals("OK", w.call("cache_memlimit 2048\r\n")); // logged before the reply is written
            assertTrue(server.stderrText().contains("cache_memlimit: memory limit 2048 MiB " + warning + " 3188 MiB"),
                    server.stderrText());
        }
    }

    @Test
    void theStoreStaysWithinItsLimitAndKeepsWhatIsRecentlyUsed() throws Exception {
        try (ServerProcess server = ServerProcess.start("-m", Integer.toString(LIMIT_MIB));
                MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
            long heapBefore = heapUsedAfterGc(server.pid());
            String value = "v".repeat(VALUE_BYTES);
            assertEquals("STORED", w.call("set hot 0 0 3\r\nhot\r\n"));
            for (int start = 0; start < ITEMS; start += BATCH) {
                StringBuilder batch = new StringBuilder();
                for (int i = start; i < start + BATCH; i++) {
                    batch.append("set key").append(i).append(" 0 0 ").append(VALUE_BYTES).append("\r\n")
                            .append(value).append("\r\n");
                }
                batch.append("get hot\r\n");
                w.send(batch.toString());
                for (int i = 0; i < BATCH; i++) {
                    assertEquals("STORED", w.line());
                }
                assertEquals("VALUE hot 0 3|hot|END", w.untilEnd(), "the hot item was evicted by item " + start);
            }
            Map<String, Long> stats = stats(w);
            long limit = LIMIT_MIB * 1024L * 1024L;
            assertEquals(limit, stats.get("limit_maxbytes"));
            assertTrue(stats.get("bytes") <= limit, stats.toString());
            assertTrue(stats.get("evictions") > 0, stats.toString());
            assertEquals(ITEMS + 1, stats.get("curr_items") + stats.get("evictions"), stats.toString());
            for (int i = ITEMS - 100; i < ITEMS; i++) {
                assertTrue(w.call("get key" + i + "\r\n").startsWith("VALUE"), "recent key" + i + " was evicted");
                w.line();
                w.line();
            }
            long heapGrowth = heapUsedAfterGc(server.pid()) - heapBefore;
            // -m counts what the JVM really spends per item, so the live heap is the limit and the
            // server's own small change (buffers, classes loaded on first use), not a multiple of it.
            assertTrue(heapGrowth < limit + limit / 4, "heap grew by " + heapGrowth + " bytes for a limit of " + limit);
            assertTrue(server.isAlive());
        }
    }

    private static Map<String, Long> stats(MemcachedWire w) throws IOException {
        Map<String, Long> stats = new HashMap<>();
        w.send("stats\r\n");
        for (String line; !(line = w.line()).equals("END"); ) {
            String[] parts = line.split(" ");
            if (parts[2].matches("\\d+")) {
                stats.put(parts[1], Long.parseLong(parts[2]));
            }
        }
        return stats;
    }

    /** The server's heap in use after a full GC, as {@code jcmd GC.heap_info} reports it. */
    private static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
        assertTrue(used.find(), info);
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path java = Path.of(ServerProcess.java());
        Path jcmd = java.resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
