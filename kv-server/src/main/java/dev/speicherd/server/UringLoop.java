package dev.speicherd.server;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one io_uring event loop keeps beside netty's: its connections, its turn, and its timers.
 *
 * <p><b>A turn in three passes</b>, as on the NIO loops ({@link EventLoop}): netty hands each
 * connection what its reads brought, one connection after another, and each then asks for a turn
 * ({@link #ready}). The turn is a task, which netty runs once every completion the kernel
 * reported has been handed over; it warms the store up for all the ready connections' lookups
 * ({@link Prefetch}), answers all of them, then sends all the answers, which io_uring hands the
 * kernel together with the next reads in one system call.
 *
 * <p>Used by its loop's thread only, but for {@link #endInput} and {@link #connections}.
 */
final class UringLoop {

    private final EventExecutor executor;
    private final long idleNanos;
    /** Answers queued in netty beyond each connection's {@link UringConnection#QUEUED_BYTES}, all loops together. */
    private final ClientMemory overflow;
    /** The largest answer of one request that sends a single item: the largest speicher frame. */
    private final int largestAnswer;
    /** How many loops there are, each of which may be making an answer at any moment. */
    private final int loops;
    private final Prefetch prefetch;
    private final Set<UringConnection> open = new HashSet<>();
    /** How many connections the loop has, for shutdown to wait on. */
    private final AtomicInteger count = new AtomicInteger();
    private ArrayList<UringConnection> ready = new ArrayList<>();
    private ArrayList<UringConnection> turning = new ArrayList<>();
    /** Connections waiting for client memory, to take a request in or to answer, tried again every few ms. */
    private final ArrayList<UringConnection> waiting = new ArrayList<>();
    private boolean turnQueued;
    private boolean retryQueued;
    private long now = System.nanoTime();

    UringLoop(EventExecutor executor, Connections connections, ClientMemory overflow) {
        ServerConfig config = connections.context().config();
        this.executor = executor;
        this.idleNanos = config.idleTimeout().toNanos();
        this.overflow = overflow;
        this.largestAnswer = config.maxFrameBytes();
        this.loops = config.ioThreads();
        this.prefetch = new Prefetch(connections.context().store());
        executor.scheduleAtFixedRate(this::tick, EventLoop.TICK_MILLIS, EventLoop.TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    ClientMemory overflow() {
        return overflow;
    }

    int largestAnswer() {
        return largestAnswer;
    }

    int loops() {
        return loops;
    }

    /** The time the loop's current turn began, on {@link System#nanoTime}'s scale. */
    long now() {
        return now;
    }

    void opened(UringConnection connection) {
        open.add(connection);
        count.incrementAndGet();
    }

    void closed(UringConnection connection) {
        if (open.remove(connection)) {
            count.decrementAndGet();
        }
    }

    /** Returns how many connections are open on this loop. */
    int connections() {
        return count.get();
    }

    /** Queues a connection with input or room for answers for the next turn. */
    void ready(UringConnection connection) {
        if (connection.queue()) {
            ready.add(connection);
            if (!turnQueued) {
                turnQueued = true;
                executor.execute(this::turn);
            }
        }
    }

    /** Called by a connection that waits for {@link ClientMemory}: it is tried again every few ms. */
    void waits(UringConnection connection) {
        waiting.add(connection);
        retryLater();
    }

    /** Stops reading from every connection: requests already here are answered, then each closes. */
    void endInput() {
        executor.execute(() -> {
            beginTurn();
            for (UringConnection connection : new ArrayList<>(open)) {
                connection.endInput();
            }
        });
    }

    private void turn() {
        turnQueued = false;
        beginTurn();
        ArrayList<UringConnection> turn = ready;
        ready = turning;
        turning = turn;
        int n = turn.size();
        if (n > 1) {
            for (int i = 0; i < n; i++) {
                prefetch.add(turn.get(i).exchange());
            }
            prefetch.run();
        }
        for (int i = 0; i < n; i++) {
            turn.get(i).answer();
        }
        for (int i = 0; i < n; i++) {
            turn.get(i).send();
        }
        turn.clear();
    }

    private void retryWaiting() {
        retryQueued = false;
        beginTurn();
        waiting.removeIf(UringConnection::resume);
        if (!waiting.isEmpty()) {
            retryLater();
        }
    }

    /** Tries the waiting connections again in a few ms, unless that is already planned. */
    private void retryLater() {
        if (!retryQueued) {
            retryQueued = true;
            executor.schedule(this::retryWaiting, EventLoop.STARVED_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        beginTurn();
        for (UringConnection connection : new ArrayList<>(open)) {
            connection.tick(now, idleNanos);
        }
    }

    private void beginTurn() {
        now = System.nanoTime();
        ((TurnClock.LoopThread) Thread.currentThread()).beginTurn();
    }
}
