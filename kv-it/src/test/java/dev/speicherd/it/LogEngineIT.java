package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log engine from outside: data survives a clean restart, and with {@code --fsync always}
 * every acknowledged write survives {@code kill -9} in the middle of a load, round after round.
 */
class LogEngineIT {

    static final int WRITERS = 4;
    static final int CRASH_ROUNDS = 3;
    static final long LOAD_MILLIS = 1000;
    /** Writes each writer must have had acknowledged before the kill, however slow the machine. */
    static final long MIN_WRITES = 20;
    static final long LOAD_DEADLINE_MILLIS = 60_000;

    @TempDir
    Path dataDir;

    private ServerProcess start(String... extra) {
        List<String> flags = new ArrayList<>(List.of("--engine", "log", "--data-dir", dataDir.toString()));
        flags.addAll(List.of(extra));
        return ServerProcess.start(flags.toArray(String[]::new));
    }

    @Test
    void bothProtocolsWritesSurviveACleanRestart() throws Exception {
        try (ServerProcess server = start()) {
            try (MemcachedWire m = new MemcachedWire(server.memcachedPort);
                    SpeicherWire s = new SpeicherWire(server.speicherPort)) {
                assertEquals("STORED", m.call("set mc 42 0 5\r\nhello\r\n"));
                assertEquals("STORED", m.call("set counter 0 0 1\r\n7\r\n"));
                assertEquals("8", m.call("incr counter 1\r\n"));
                assertEquals("STORED", m.call("set gone 0 0 1\r\nx\r\n"));
                assertEquals("DELETED", m.call("delete gone\r\n"));
                assertEquals(200, s.call("{\"command\":\"SET\",\"key\":\"sp\",\"value\":{\"a\":[1,2]}}")
                        .get("status_code").getAsInt());
            }
            assertEquals(0, server.terminate(), server.stderrText());
        }
        try (ServerProcess server = start();
                MemcachedWire m = new MemcachedWire(server.memcachedPort);
                SpeicherWire s = new SpeicherWire(server.speicherPort)) {
            assertTrue(server.stderrText().contains("replayed"), server.stderrText());
            assertEquals("VALUE mc 42 5|hello|END", m.send("get mc\r\n").untilEnd());
            assertEquals("VALUE counter 0 1|8|END", m.send("get counter\r\n").untilEnd());
            assertEquals("END", m.call("get gone\r\n"));
            assertEquals("{\"a\":[1,2]}", s.call("{\"command\":\"GET\",\"key\":\"sp\"}").get("value").toString());
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        for (int round = 0; round < CRASH_ROUNDS; round++) {
            AtomicLongArray acknowledged = new AtomicLongArray(WRITERS);
            for (int t = 0; t < WRITERS; t++) {
                acknowledged.set(t, -1);
            }
            try (ServerProcess server = start("--fsync", "always")) {
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> writers = new ArrayList<>();
                for (int t = 0; t < WRITERS; t++) {
                    int writer = t;
                    String prefix = "r" + round + "w" + t + "-";
                    writers.add(Thread.ofPlatform().start(() -> {
                        try (MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
                            for (long i = 0; !stop.get(); i++) {
                                String value = "value-" + i;
                                String reply = w.call("set " + prefix + i + " 0 0 " + value.length() + "\r\n"
                                        + value + "\r\n");
                                if (!"STORED".equals(reply)) {
                                    return; // the server is gone
                                }
                                acknowledged.set(writer, i);
                            }
                        } catch (IOException e) {
                            // killed under our feet: what was acknowledged is recorded
                        }
                    }));
                }
                awaitAtLeast(acknowledged, MIN_WRITES);
                Thread.sleep(LOAD_MILLIS);
                server.kill();
                stop.set(true);
                for (Thread w : writers) {
                    w.join(10_000);
                }
            }
            try (ServerProcess server = start("--fsync", "always");
                    MemcachedWire m = new MemcachedWire(server.memcachedPort)) {
                long total = 0;
                for (int t = 0; t < WRITERS; t++) {
                    long last = acknowledged.get(t);
                    assertTrue(last >= MIN_WRITES, "writer " + t + " of round " + round + " wrote only " + (last + 1));
                    total += last + 1;
                    String prefix = "r" + round + "w" + t + "-";
                    for (long i = 0; i <= last; i++) {
                        String value = "value-" + i;
                        assertEquals("VALUE " + prefix + i + " 0 " + value.length() + "|" + value + "|END",
                                m.send("get " + prefix + i + "\r\n").untilEnd(), "acknowledged, then lost");
                    }
                    String next = m.send("get " + prefix + (last + 1) + "\r\n").untilEnd();
                    String inFlight = "value-" + (last + 1);
                    assertTrue(next.equals("END") || next.equals("VALUE " + prefix + (last + 1) + " 0 "
                            + inFlight.length() + "|" + inFlight + "|END"), next);
                    assertEquals("END", m.send("get " + prefix + (last + 2) + "\r\n").untilEnd(),
                            "a value that was never sent appeared");
                }
                assertTrue(total > 0);
                assertEquals(0, server.terminate(), server.stderrText());
            }
        }
        try (var files = Files.list(dataDir)) {
            assertTrue(files.findAny().isPresent(), "the log engine wrote nothing to " + dataDir);
        }
    }

    /**
     * {@code kill -9} leaves the page cache, so the test above cannot tell a write that was synced
     * from one that was not; the count of fsyncs can. Under {@code fsync always}, sets sent one
     * after another are each answered after an fsync of their own, and sets pipelined in one
     * packet share one; under {@code everysec} a burst of sets takes about one a second.
     */
    @Test
    void fsyncAlwaysSyncsEachTurnOfSetsBeforeAnsweringIt() throws Exception {
        int sets = 50;
        try (ServerProcess server = start("--fsync", "always");
                MemcachedWire m = new MemcachedWire(server.memcachedPort)) {
            long before = m.stat("log_fsyncs");
            for (int i = 0; i < sets; i++) {
                assertEquals("STORED", m.call("set one" + i + " 0 0 1\r\nx\r\n"));
            }
            assertEquals(sets, m.stat("log_fsyncs") - before, "one fsync for each set answered alone");
            before = m.stat("log_fsyncs");
            StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < sets; i++) {
                pipeline.append("set many").append(i).append(" 0 0 1\r\nx\r\n");
            }
            m.send(pipeline.toString());
            for (int i = 0; i < sets; i++) {
                assertEquals("STORED", m.line());
            }
            long shared = m.stat("log_fsyncs") - before;
            assertTrue(shared >= 1 && shared < sets, shared + " fsyncs for " + sets + " sets in one packet");
            before = m.stat("log_fsyncs");
            for (int i = 0; i < sets; i++) {
                assertEquals("VALUE one" + i + " 0 1|x|END", m.send("get one" + i + "\r\n").untilEnd());
            }
            assertEquals(before, m.stat("log_fsyncs"), "reads sync nothing");
        }
        try (ServerProcess server = start("--fsync", "everysec");
                MemcachedWire m = new MemcachedWire(server.memcachedPort)) {
            long started = System.nanoTime();
            long before = m.stat("log_fsyncs");
            for (int i = 0; i < sets; i++) {
                assertEquals("STORED", m.call("set every" + i + " 0 0 1\r\nx\r\n"));
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            long synced = m.stat("log_fsyncs") - before;
            assertTrue(synced <= seconds + 1, synced + " fsyncs in " + seconds + " s under everysec");
        }
    }

    /**
     * Writers overwrite a fixed set of keys, so the log outgrows the live data and the server
     * compacts it again and again; the process is killed at a random moment of that, several
     * times. Every key must come back holding its last acknowledged value (or the one write that
     * was in flight when the process died).
     */
    @Test
    void killsDuringBackgroundCompactionLoseNothingAcknowledged() throws Exception {
        int keys = 500;
        String value = "v".repeat(1000);
        java.util.Random random = new java.util.Random();
        boolean compacted = false;
        for (int round = 0; round < CRASH_ROUNDS; round++) {
            AtomicLongArray acknowledged = new AtomicLongArray(WRITERS);
            for (int t = 0; t < WRITERS; t++) {
                acknowledged.set(t, -1);
            }
            String[] flags = {"--fsync", "always", "--compact-min-size", "512k", "--compact-multiple", "2"};
            try (ServerProcess server = start(flags)) {
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> writers = new ArrayList<>();
                for (int t = 0; t < WRITERS; t++) {
                    int writer = t;
                    writers.add(Thread.ofPlatform().start(() -> {
                        try (MemcachedWire w = new MemcachedWire(server.memcachedPort)) {
                            for (long i = 0; !stop.get(); i++) {
                                String v = i + ":" + value;
                                String reply = w.call("set w" + writer + "-" + (i % keys) + " 0 0 " + v.length()
                                        + "\r\n" + v + "\r\n");
                                if (!"STORED".equals(reply)) {
                                    return;
                                }
                                acknowledged.set(writer, i);
                            }
                        } catch (IOException e) {
                            // killed under our feet
                        }
                    }));
                }
                awaitAtLeast(acknowledged, keys + 1);
                Thread.sleep(random.nextInt(1500));
                compacted |= server.stderrText().contains("compacted from");
                server.kill();
                stop.set(true);
                for (Thread w : writers) {
                    w.join(10_000);
                }
            }
            try (ServerProcess server = start(flags);
                    MemcachedWire m = new MemcachedWire(server.memcachedPort)) {
                for (int t = 0; t < WRITERS; t++) {
                    long last = acknowledged.get(t);
                    assertTrue(last >= keys, "writer " + t + " wrote only " + (last + 1) + " times");
                    for (long i = last - keys + 1; i <= last; i++) {
                        String key = "w" + t + "-" + (i % keys);
                        m.send("get " + key + "\r\n");
                        String header = m.line();
                        assertTrue(header.startsWith("VALUE " + key + " 0 "), header);
                        String got = m.line();
                        assertEquals("END", m.line());
                        long seq = Long.parseLong(got.substring(0, got.indexOf(':')));
                        boolean inFlight = seq == last + 1 && (last + 1) % keys == i % keys;
                        assertTrue(seq == i || inFlight, key + " holds write " + seq + ", acknowledged was " + i);
                    }
                }
                assertEquals(0, server.terminate(), server.stderrText());
            }
        }
        assertTrue(compacted, "no round compacted before the kill: the test proved nothing about compaction");
    }

    /** Waits until every writer has had {@code count} writes acknowledged: a slow machine gets more time. */
    private static void awaitAtLeast(AtomicLongArray acknowledged, long count) throws InterruptedException {
        long deadline = System.nanoTime() + LOAD_DEADLINE_MILLIS * 1_000_000;
        for (int t = 0; t < acknowledged.length(); t++) {
            while (acknowledged.get(t) < count - 1) {
                assertTrue(System.nanoTime() < deadline, "writer " + t + " had only " + (acknowledged.get(t) + 1)
                        + " writes acknowledged in " + LOAD_DEADLINE_MILLIS + " ms");
                Thread.sleep(10);
            }
        }
    }
}
