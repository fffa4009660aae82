package dev.speicherd.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.Function;

/**
 * One connection's command counters, named as memcached's {@code stats} names them. Only the
 * connection's own thread writes them, so a count is a plain field updated with opaque access:
 * no atomic instruction and no cache line shared with another connection on the request path.
 * {@link ServerStats} sums them when {@code stats} asks.
 */
public final class ConnectionStats {

    /** One counter: a single writer, any number of readers. */
    public static final class Count {
        private static final VarHandle VALUE;

        static {
            try {
                VALUE = MethodHandles.lookup().findVarHandle(Count.class, "value", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private long value;

        /** Adds one. Only the owning connection's thread may call this. */
        public void increment() {
            add(1);
        }

        /** Adds {@code n}. Only the owning connection's thread may call this. */
        public void add(long n) {
            VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + n);
        }

        /** Sets the count to a running total kept elsewhere. Only the owning thread may call this. */
        public void set(long total) {
            VALUE.setOpaque(this, total);
        }

        long get() {
            return (long) VALUE.getOpaque(this);
        }
    }

    public final Count cmdGet = new Count();
    public final Count cmdSet = new Count();
    public final Count cmdFlush = new Count();
    public final Count cmdTouch = new Count();
    public final Count getHits = new Count();
    public final Count getMisses = new Count();
    public final Count deleteHits = new Count();
    public final Count deleteMisses = new Count();
    public final Count incrHits = new Count();
    public final Count incrMisses = new Count();
    public final Count decrHits = new Count();
    public final Count decrMisses = new Count();
    public final Count casHits = new Count();
    public final Count casMisses = new Count();
    public final Count casBadval = new Count();
    public final Count touchHits = new Count();
    public final Count touchMisses = new Count();
    public final Count bytesRead = new Count();
    public final Count bytesWritten = new Count();
    /** Requests served over the speicher protocol, all commands together. */
    public final Count speicherRequests = new Count();

    /** Every counter, for summing and carrying over. */
    static final List<Function<ConnectionStats, Count>> ALL = List.of(
            s -> s.cmdGet, s -> s.cmdSet, s -> s.cmdFlush, s -> s.cmdTouch, s -> s.getHits, s -> s.getMisses,
            s -> s.deleteHits, s -> s.deleteMisses, s -> s.incrHits, s -> s.incrMisses, s -> s.decrHits,
            s -> s.decrMisses, s -> s.casHits, s -> s.casMisses, s -> s.casBadval, s -> s.touchHits,
            s -> s.touchMisses, s -> s.bytesRead, s -> s.bytesWritten, s -> s.speicherRequests);

    ConnectionStats() {}

    /**
     * Records the bytes the connection has moved so far, from its reader's and writer's totals.
     * Only the owning connection's thread may call this.
     */
    public void traffic(long bytesReadSoFar, long bytesWrittenSoFar) {
        bytesRead.set(bytesReadSoFar);
        bytesWritten.set(bytesWrittenSoFar);
    }
}
