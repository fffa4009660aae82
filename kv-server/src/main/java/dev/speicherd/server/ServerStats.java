package dev.speicherd.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, named as memcached's {@code stats} names them. Every field is safe to
 * update from any thread; {@link LongAdder} keeps hot counters from contending.
 */
public final class ServerStats {

    /** When the server started, epoch milliseconds. */
    public final long startedAtMillis;

    public final AtomicLong currConnections = new AtomicLong();
    public final LongAdder totalConnections = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();

    public final LongAdder cmdGet = new LongAdder();
    public final LongAdder cmdSet = new LongAdder();
    public final LongAdder cmdFlush = new LongAdder();
    public final LongAdder cmdTouch = new LongAdder();
    public final LongAdder getHits = new LongAdder();
    public final LongAdder getMisses = new LongAdder();
    public final LongAdder deleteHits = new LongAdder();
    public final LongAdder deleteMisses = new LongAdder();
    public final LongAdder incrHits = new LongAdder();
    public final LongAdder incrMisses = new LongAdder();
    public final LongAdder decrHits = new LongAdder();
    public final LongAdder decrMisses = new LongAdder();
    public final LongAdder casHits = new LongAdder();
    public final LongAdder casMisses = new LongAdder();
    public final LongAdder casBadval = new LongAdder();
    public final LongAdder touchHits = new LongAdder();
    public final LongAdder touchMisses = new LongAdder();
    public final LongAdder bytesRead = new LongAdder();
    public final LongAdder bytesWritten = new LongAdder();

    /** Requests served over the speicher protocol, all commands together. */
    public final LongAdder speicherRequests = new LongAdder();

    /**
     * Sets every command and traffic counter back to zero ({@code stats reset}); the connection
     * gauges and the start time are kept, as memcached keeps them.
     */
    public void reset() {
        for (LongAdder counter : new LongAdder[] {cmdGet, cmdSet, cmdFlush, cmdTouch, getHits, getMisses,
            deleteHits, deleteMisses, incrHits, incrMisses, decrHits, decrMisses, casHits, casMisses, casBadval,
            touchHits, touchMisses, bytesRead, bytesWritten, speicherRequests, totalConnections,
            rejectedConnections}) {
            counter.reset();
        }
    }

    /**
     * Creates the counters, all zero.
     *
     * @param startedAtMillis when the server started, epoch milliseconds
     */
    public ServerStats(long startedAtMillis) {
        this.startedAtMillis = startedAtMillis;
    }
}
