package dev.speicherd.server;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap that connections' buffers may hold, all together, beyond the 16 KiB each starts with:
 * the large requests being received and the large answers waiting to leave ({@code
 * --client-memory}). Without such a bound, what the server holds for its clients grows with the
 * number of clients times the size of their values: a thousand clients each sending, or each
 * fetching, a 1 MiB value at once ran a 512 MiB heap out, and the server exited.
 *
 * <p>An event-loop connection takes from it before a buffer grows and gives back when the buffer
 * shrinks or the connection closes. A request that cannot have its memory waits, unread, until
 * another gives some back (TCP holds the client back meanwhile), so a burst of large writes is
 * served a share at a time. An answer cannot wait half-written: one whose memory is not there
 * closes its connection, which can only happen while answers to clients that do not read fill
 * the bound, since a large answer is sent as soon as it is made. {@link #minimum} keeps room for
 * the largest request and answer, so that one connection alone always gets through.
 *
 * <p>Shared by all event loops; lock-free.
 */
final class ClientMemory {

    private final long limit;
    private final AtomicLong used;

    /** A bound that keeps its use in {@code used}, e.g. the server's {@link ServerStats#clientMemoryBytes}. */
    ClientMemory(long limit, AtomicLong used) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
        this.used = used;
    }

    /** A bound that keeps its use to itself. */
    ClientMemory(long limit) {
        this(limit, new AtomicLong());
    }

    /** What an answer that can neither have memory nor leave fails its connection with. */
    static final class Exhausted extends IOException {
        private static final long serialVersionUID = 1L;

        Exhausted(String message) {
            super(message);
        }
    }

    /**
     * The least that lets the largest request, and the answer of the largest item, through on one
     * connection as a new share: twice the larger of the largest speicher frame (the item and the
     * JSON around it) and the longest memcached command line.
     */
    static long minimum(int maxItemBytes) {
        return 2L * Math.max((long) maxItemBytes + ServerConfig.FRAME_HEADROOM_BYTES, LoopInput.LINE_GROWTH_BYTES);
    }

    /**
     * Takes {@code bytes} if they fit and returns true; otherwise takes nothing. A buffer that
     * holds no share yet may take only up to half the limit; one that {@code holds} a share may
     * take up to the limit, so that requests half received never wait on new ones: a connection
     * that got memory for one large request and then receives part of the next, pipelined behind
     * it, finishes that too.
     */
    boolean tryTake(long bytes, boolean holds) {
        long ceiling = holds ? limit : limit / 2; // as in couldTake
        long now;
        do {
            now = used.get();
            if (now + bytes > ceiling) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    /** Whether {@link #tryTake} would give {@code bytes} now, to a buffer that {@code holds} a share or not. */
    boolean couldTake(long bytes, boolean holds) {
        return used.get() + bytes <= (holds ? limit : limit / 2);
    }

    /** Gives back bytes taken. */
    void give(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes taken now. */
    long used() {
        return used.get();
    }

    long limit() {
        return limit;
    }
}
