package dev.speicherd.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The server's counters, named as memcached's {@code stats} names them. Connection events are
 * counted here directly; commands are counted by each connection in its own {@link
 * ConnectionStats} (no shared counter on the request path) and summed here when asked, with the
 * counts of closed connections carried over.
 */
public final class ServerStats {

    /** When the server started, epoch milliseconds. */
    public final long startedAtMillis;

    public final AtomicLong currConnections = new AtomicLong();
    public final LongAdder totalConnections = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();
    /** Bytes the event loops' connection buffers hold beyond their first 16 KiB: {@link ClientMemory}'s use. */
    public final AtomicLong clientMemoryBytes = new AtomicLong();
    /** Requests that waited, unread, for their buffer's share of client memory. */
    public final LongAdder clientMemoryWaits = new LongAdder();
    /** Connections closed because an answer could neither have client memory nor leave. */
    public final LongAdder clientMemoryClosed = new LongAdder();

    private final Object lock = new Object();
    private final Set<ConnectionStats> live = ConcurrentHashMap.newKeySet();
    /** What closed connections counted; written under {@link #lock}. */
    private final ConnectionStats closed = new ConnectionStats();
    /** The sums at the last {@code stats reset}; written under {@link #lock}. */
    private final ConnectionStats baseline = new ConnectionStats();

    /**
     * Creates the counters, all zero.
     *
     * @param startedAtMillis when the server started, epoch milliseconds
     */
    public ServerStats(long startedAtMillis) {
        this.startedAtMillis = startedAtMillis;
    }

    /**
     * Gives a new connection its counters. The connection must {@link #close} them when it ends.
     *
     * @return counters that only the calling connection's thread writes
     */
    public ConnectionStats open() {
        ConnectionStats stats = new ConnectionStats();
        live.add(stats);
        return stats;
    }

    /** Carries a connection's counts over to the server's and stops watching its counters. */
    public void close(ConnectionStats stats) {
        synchronized (lock) {
            if (live.remove(stats)) {
                for (Function<ConnectionStats, ConnectionStats.Count> count : ConnectionStats.ALL) {
                    count.apply(closed).add(count.apply(stats).get());
                }
            }
        }
    }

    /**
     * Sums one counter over every connection, open or closed, since the last reset.
     *
     * @param count which counter, e.g. {@code s -> s.cmdGet}
     * @return the sum
     */
    public long sum(Function<ConnectionStats, ConnectionStats.Count> count) {
        synchronized (lock) {
            return total(count) - count.apply(baseline).get();
        }
    }

    private long total(Function<ConnectionStats, ConnectionStats.Count> count) {
        long sum = count.apply(closed).get();
        for (ConnectionStats stats : live) {
            sum += count.apply(stats).get();
        }
        return sum;
    }

    /**
     * Sets every command and traffic counter back to zero ({@code stats reset}), and the
     * connection totals; the connection gauge and the start time are kept, as memcached keeps
     * them.
     */
    public void reset() {
        synchronized (lock) {
            for (Function<ConnectionStats, ConnectionStats.Count> count : ConnectionStats.ALL) {
                ConnectionStats.Count base = count.apply(baseline);
                base.add(total(count) - base.get());
            }
        }
        totalConnections.reset();
        rejectedConnections.reset();
    }
}
