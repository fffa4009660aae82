package dev.speicherd.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every measured reply of a fixed-rate run ({@code --timeline FILE}): when its request was due
 * and how long it took, to see <em>when</em> the slow ones came, not only how many there were. A
 * percentile cannot tell a tail spread over a run from one stall that holds up every request
 * for 30 ms; a timeline beside the server's GC log can (bench/timeline.py).
 *
 * <p>The times are {@link System#nanoTime}'s, which on Linux is {@code CLOCK_MONOTONIC}, the
 * clock of the JVM's {@code -Xlog} decoration {@code tn}: a server started with
 * {@code -Xlog:gc,safepoint:file=F:tn} logs its pauses on the same time line.
 *
 * <p>The arrays are made before the run, for all the replies it can have, so that recording
 * allocates nothing while the generator measures. Written to by the scheduled load's one loop
 * thread only.
 */
final class Timeline {

    /** The most replies a timeline holds: two longs each, 320 MB of heap at the most. */
    static final long MAX_REPLIES = 20_000_000;
    /** The file's first line. */
    static final String HEADER =
            "# kv-bench timeline: due_ns latency_ns per measured reply; due_ns is System.nanoTime (CLOCK_MONOTONIC)";

    private final long[] due;
    private final long[] latency;
    private int count;
    private long dropped;

    /**
     * A timeline for a run at {@code rate} requests/s for {@code seconds}, with room for one
     * batch more per connection, for the phases.
     */
    Timeline(double rate, double seconds, int connections, int pipeline) {
        int replies = capacity(rate, seconds, connections, pipeline);
        due = new long[replies];
        latency = new long[replies];
    }

    /**
     * How many replies a run can have: those due in the window, one batch more per connection,
     * 1 % to spare.
     *
     * @throws IllegalArgumentException if that is over {@link #MAX_REPLIES}
     */
    static int capacity(double rate, double seconds, int connections, int pipeline) {
        long replies = (long) Math.ceil(rate * seconds * 1.01) + (long) connections * pipeline;
        if (replies > MAX_REPLIES) {
            throw new IllegalArgumentException(
                    "--timeline holds at most " + MAX_REPLIES + " replies; --rate x --seconds asks for " + replies);
        }
        return (int) replies;
    }

    /** Records a measured reply to a request due at {@code dueNanos} that took {@code nanos}. */
    void record(long dueNanos, long nanos) {
        if (count == due.length) {
            dropped++; // cannot happen by the schedule; counted rather than thrown, so a run still ends
            return;
        }
        due[count] = dueNanos;
        latency[count] = nanos;
        count++;
    }

    int count() {
        return count;
    }

    long dropped() {
        return dropped;
    }

    /** Writes one line per reply, "due_ns latency_ns", in the order they were answered, after a header. */
    void write(Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write(HEADER + "\n");
            StringBuilder line = new StringBuilder(48);
            for (int i = 0; i < count; i++) {
                line.setLength(0);
                line.append(due[i]).append(' ').append(latency[i]).append('\n');
                out.append(line);
            }
        }
    }
}
