package dev.speicherd.server;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.TRACE;

/**
 * What closes a connection that does nothing: when it was last active, against {@code
 * --idle-timeout}; and once it lingers after our end of stream, its deadline and the bytes it
 * dropped, against {@link Connections#LINGER} and {@link Connections#LINGER_MAX_BYTES}. Times are
 * on {@link System#nanoTime}'s scale, as its loop reads it.
 *
 * <p>Used by its connection's I/O thread only.
 */
final class Liveness {

    private static final System.Logger LOG = System.getLogger(Liveness.class.getName());

    private long lastActive;
    private long lingerDeadline;
    private long lingered;

    Liveness(long now) {
        this.lastActive = now;
    }

    /** Bytes came or left. */
    void active(long now) {
        lastActive = now;
    }

    /** Our end of stream is sent: from now on the connection lingers. */
    void lingerFrom(long now) {
        lingerDeadline = now + Connections.LINGER.toNanos();
    }

    /** Counts bytes read and dropped while lingering; true once they are as many as a linger reads. */
    boolean droppedEnough(long bytes) {
        lingered += bytes;
        return lingered >= Connections.LINGER_MAX_BYTES;
    }

    /**
     * Whether the connection is to close now: it has lingered past its deadline, or, not
     * lingering, has been idle for {@code idleNanos} (0: never). Says which in the log.
     */
    boolean over(long now, long idleNanos, boolean lingering, String peer) {
        if (lingering) {
            if (now - lingerDeadline >= 0) {
                LOG.log(TRACE, "{0} kept the connection open after our end of stream", peer);
                return true;
            }
        } else if (idleNanos > 0 && now - lastActive >= idleNanos) {
            LOG.log(DEBUG, "closing {0}: idle", peer);
            return true;
        }
        return false;
    }
}
