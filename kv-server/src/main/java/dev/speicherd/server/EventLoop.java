package dev.speicherd.server;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

import dev.speicherd.api.StorageException;
import dev.speicherd.api.Store;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One I/O thread and its selector, serving the connections handed to it from start to close: the
 * thread reads, parses, runs each request against the store and writes the answers, and stays on
 * the CPU while any connection has work. Other threads talk to it only through {@link #execute},
 * which queues a task and wakes the selector.
 *
 * <p><b>A turn in three passes.</b> After each select the loop first reads every ready
 * connection, then answers every one's whole requests, then sends every one's answers, so that
 * the reads come together, the work comes together and the answers leave together, and a client
 * waiting on many connections wakes up to many answers at once. Measured under memaslap on two
 * cores, against reading, answering and sending one connection at a time: the server's CPU per
 * request fell from 5.4 to 5.0 µs, memaslap's from 5.0 to 4.6 µs, and throughput rose by 6 to
 * 10 % (docs/performance-log.md).
 *
 * <p><b>Lookups warmed up together.</b> Between reading and answering, the loop hands the store
 * the key of each ready connection's next request ({@link Store#prefetch}), and the store loads
 * what those lookups will touch in stages whose waits on memory overlap. Answered one connection
 * after another, each lookup waited on memory alone, three or four times in a row; now most of
 * those waits are paid once for all the connections of a turn (about eight under memaslap).
 * Measured under memaslap 90/10 against the loop without it: 0.2-0.3 µs less of the server's
 * CPU a request, and 2-5 % more requests a second (docs/performance-log.md).
 *
 * <p><b>Durable before answered.</b> Under the log engine's {@code fsync always}, no answer leaves
 * before the changes the loop has made are synced ({@link Store#sync}): the first send of a turn
 * syncs for every change of the turn, so a turn's writes share one fsync, and the two loops'
 * syncs share one when they meet (the log groups them); changes no answer waits for (noreply)
 * are synced at the end of the turn. While it syncs the loop serves nobody, which is what every
 * connection in the turn waits for anyway; Redis's {@code appendfsync always} works the same way.
 */
final class EventLoop implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    /** How often idle and lingering connections are looked at. */
    static final long TICK_MILLIS = 250;
    /** How often connections waiting for {@link ClientMemory} try again. */
    static final long STARVED_RETRY_MILLIS = 5;
    /**
     * The loop's direct buffer, through which every read and write of its connections goes
     * ({@link LoopSocket}): as large as the answers a connection may have waiting while it is
     * still read ({@link Exchange#HIGH_WATER_BYTES}), so that those leave in one write.
     */
    static final int TRANSFER_BYTES = Exchange.HIGH_WATER_BYTES;

    private final Connections connections;
    private final Store store;
    /** Whether answers wait for {@link #syncChanges} before they go to a socket. */
    private final boolean syncsBeforeAnswering;
    private final long idleNanos;
    private final Selector selector;
    private final TurnClock.LoopThread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** The loop's connections; only the loop's thread touches the set. */
    private final Set<LoopConnection> open = new HashSet<>();
    /** How many connections the loop has, including those queued to it, for shutdown to wait on. */
    private final AtomicInteger count = new AtomicInteger();
    /** One per loop: its connections read and write one at a time, on the loop's thread. */
    private final ByteBuffer transfer = ByteBuffer.allocateDirect(TRANSFER_BYTES);
    /** The connections the last select found ready, in the order it found them. */
    private final ArrayList<LoopConnection> ready = new ArrayList<>();
    /** The keys of the ready connections' next requests, for {@link Store#prefetch}. */
    private final Prefetch prefetch;
    /** Connections whose request waits for memory to grow its buffer, reading nothing meanwhile. */
    private final ArrayList<LoopConnection> starved = new ArrayList<>();
    /** What the select calls for each ready key; one object, not a new method reference every turn. */
    private final Consumer<SelectionKey> collect = key -> ready.add((LoopConnection) key.attachment());
    private volatile boolean running = true;
    /** Set at shutdown: connections handed over after it are closed at once. */
    private boolean inputEnded;
    private long now = System.nanoTime();

    EventLoop(Connections connections, Duration idleTimeout, int index) throws IOException {
        this.connections = connections;
        this.idleNanos = idleTimeout.toNanos();
        this.store = connections.context().store();
        this.syncsBeforeAnswering = Connections.syncsBeforeAnswering(connections.context().config());
        this.prefetch = new Prefetch(store);
        this.selector = Selector.open();
        this.thread = new TurnClock.LoopThread(this::run, "speicherd-io-" + index);
        thread.start();
    }

    /** Hands a connection, just accepted and counted, to this loop. */
    void add(SocketChannel channel, Protocol portProtocol) {
        count.incrementAndGet();
        execute(() -> register(channel, portProtocol));
    }

    /** Stops reading from every connection: requests already here are answered, then each closes. */
    void endInput() {
        execute(() -> {
            inputEnded = true;
            for (LoopConnection connection : new ArrayList<>(open)) {
                connection.endInput(now);
            }
        });
    }

    /** Returns how many connections are open on this loop. */
    int connections() {
        return count.get();
    }

    /** Stops the loop, closing whatever connections it still has, and waits for its thread. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join();
    }

    /** Called by a connection as it closes. */
    void closed(LoopConnection connection) {
        if (open.remove(connection)) {
            count.decrementAndGet();
        }
    }

    /** Called by a connection whose request waits for {@link ClientMemory}: it is tried again every few ms. */
    void starved(LoopConnection connection) {
        starved.add(connection);
    }

    /** Returns a connection's socket as the loop reads and writes it: through its direct buffer. */
    LoopSocket socketOf(SocketChannel channel) {
        return new LoopSocket(channel, transfer);
    }

    /**
     * Where a connection's answers go: its socket, or under {@code fsync always} its socket behind
     * {@link #syncChanges} ({@link SyncingChannel}). The memory engine's sends stay plain socket
     * writes, with nothing more on their path.
     */
    WritableByteChannel answersTo(LoopSocket socket) {
        return syncsBeforeAnswering ? new SyncingChannel(socket, this::syncChanges) : socket;
    }

    /**
     * Makes the changes this loop's thread has made durable, before an answer leaves: the first
     * send of a turn syncs, the others find nothing left to wait for. When the sync fails, every
     * connection with answers waiting is closed, since any of them may acknowledge a change the
     * log now cannot promise to keep; the exception then fails the sending one too. Reads go on
     * afterwards; the log refuses every later write.
     */
    private void syncChanges() {
        try {
            store.sync();
        } catch (StorageException e) {
            List<LoopConnection> owed = open.stream().filter(c -> c.pending() > 0).toList();
            LOG.log(WARNING, "the log could not be synced; closing {0} connections whose answers may acknowledge lost "
                    + "changes: {1}", owed.size(), e.getMessage());
            owed.forEach(LoopConnection::close);
            throw e;
        }
    }

    private void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void register(SocketChannel channel, Protocol portProtocol) {
        LoopConnection connection;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            connection = new LoopConnection(this, connections, channel, key, portProtocol, now);
            key.attach(connection);
        } catch (IOException e) {
            Connections.logEnd(String.valueOf(channel.socket().getRemoteSocketAddress()), e);
            Connections.closeQuietly(channel);
            count.decrementAndGet();
            connections.release();
            return;
        }
        open.add(connection);
        if (inputEnded) {
            connection.endInput(now);
        }
    }

    private void run() {
        long nextTick = now + TICK_MILLIS * 1_000_000;
        try {
            while (running) {
                selector.select(collect, starved.isEmpty() ? TICK_MILLIS : STARVED_RETRY_MILLIS);
                now = System.nanoTime();
                thread.beginTurn();
                turn();
                if (!starved.isEmpty()) {
                    starved.removeIf(LoopConnection::resume);
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                if (now - nextTick >= 0) {
                    nextTick = now + TICK_MILLIS * 1_000_000;
                    for (LoopConnection connection : new ArrayList<>(open)) {
                        connection.tick(now, idleNanos);
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(ERROR, "bug: event loop " + thread.getName() + " failed", e);
        } finally {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run(); // a connection handed over at the last moment is registered, then closed
            }
            for (LoopConnection connection : new ArrayList<>(open)) {
                connection.close();
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(WARNING, "closing a selector failed", e);
            }
        }
    }

    /**
     * Between reading and answering: hands the store the keys that the ready connections' next
     * requests will look up, so that it loads what those lookups touch in one go.
     */
    private void prefetch(int n) {
        if (n < 2) {
            return; // one lookup has no other to overlap with
        }
        for (int i = 0; i < n; i++) {
            prefetch.add(ready.get(i).exchange());
        }
        prefetch.run();
    }

    /** Reads, answers and sends for the ready connections, each pass over all of them, warming the lookups up between. */
    private void turn() {
        int n = ready.size();
        for (int i = 0; i < n; i++) {
            ready.get(i).receive(now);
        }
        prefetch(n);
        for (int i = 0; i < n; i++) {
            ready.get(i).answer();
        }
        for (int i = 0; i < n; i++) {
            ready.get(i).send(now);
        }
        ready.clear();
        if (syncsBeforeAnswering) {
            syncUnanswered();
        }
    }

    /**
     * Under {@code fsync always}, after the send pass: syncs what changed without an answer to
     * wait for it (a {@code noreply} set, a quiet binary one), so that it is not left to the next
     * answer. Costs nothing when every change of the turn was synced for its answer.
     */
    private void syncUnanswered() {
        try {
            syncChanges();
        } catch (StorageException e) {
            // Logged by syncChanges; nothing was acknowledged, and the log refuses later writes.
        }
    }
}
