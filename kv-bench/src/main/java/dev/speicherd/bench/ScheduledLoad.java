package dev.speicherd.bench;

import dev.speicherd.bench.LoadGenerator.Client;
import dev.speicherd.bench.LoadGenerator.Options;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The load offered at a fixed rate ({@code --rate}): each connection sends its batches on a
 * schedule (its share of the rate, from a random phase), and a request's latency runs from when
 * its batch was due, not from when it went out. A connection whose replies are late sends its
 * late batches back to back as the replies come, and is charged for the wait, as wrk2 does.
 *
 * <p><b>Two platform threads, not one virtual thread per connection.</b> The generator shares
 * the machine with the server it measures, so what it spends per request is taken from the
 * server. A virtual thread that sleeps until its batch is due and then blocks on the reply costs
 * a timer, a poller and two carrier hand-offs per request: 1.30 cores at 60,000 requests/s
 * against memcached, about 22 µs a request, enough to leave the server queueing for a core.
 * These two threads take 0.68 cores at that rate. One, the <em>loop</em>, does all the I/O on
 * non-blocking sockets: it waits in {@link Selector#select} for replies, and sends each batch
 * that is due. The other, the <em>timer</em>, only wakes the loop when the next batch falls due,
 * since a selector's timeout is in whole milliseconds and {@link LockSupport#parkNanos} is not.
 * A connection's state is the loop's alone.
 */
final class ScheduledLoad {

    /**
     * How long the loop pauses before writing again to a full send buffer; after the timeout
     * ({@code --timeout-ms}) the connection counts as lost. Requests are small and one batch is
     * out per connection, so only a server that stopped reading fills the buffer.
     */
    private static final long SEND_PAUSE_NANOS = 20_000;

    private final Options o;
    private final KeySpace keys;
    /**
     * The connections, in an array: the loop walks them on every wake-up, and a list's iterator
     * there was the generator's largest allocation, enough for a young collection, and a pause
     * charged to whichever server was being measured, every few runs.
     */
    private final Line[] lines;
    private final long interval;
    private final long timeoutNanos;
    private final Selector selector;
    /** Where each measured reply's due time and latency go, or null. */
    private final Timeline timeline;

    /** When the next batch is due, for the timer: the earliest due time of a line with nothing out. */
    private volatile long nextDue = Long.MAX_VALUE;
    /** What the timer is parked until, for the loop to tell whether it must unpark it sooner. */
    private volatile long timerSleepsUntil = Long.MAX_VALUE;
    private volatile boolean finished;
    private volatile Thread timer;

    ScheduledLoad(Options o, KeySpace keys, List<Client> clients, Timeline timeline) throws IOException {
        this.o = o;
        this.timeline = timeline;
        this.keys = keys;
        this.interval = o.batchIntervalNanos();
        this.timeoutNanos = o.timeoutMillis() * 1_000_000L;
        this.selector = Selector.open();
        this.lines = new Line[clients.size()];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = new Line(clients.get(i), o.pipeline());
        }
    }

    /** One connection: its schedule, its batch and how much of it is answered. The loop's alone. */
    private static final class Line {
        final Client client;
        final int[] batch;
        final boolean[] isGet;
        /** When the next batch is due (System.nanoTime). */
        long due;
        /** When the batch that is out was due, and whether it is measured; valid while {@code out}. */
        long sentDue;
        boolean measured;
        boolean out;
        int answered;
        SocketChannel channel;
        ProtocolConnection connection;

        Line(Client client, int depth) {
            this.client = client;
            this.batch = new int[depth];
            this.isGet = new boolean[depth];
        }
    }

    /**
     * Offers the load until {@code until}, counting the batches due at {@code measureFrom} or
     * later, then waits (up to the timeout) for the replies still out; those that never come
     * count as errors.
     */
    void run(long measureFrom, long until) {
        long start = System.nanoTime();
        for (Line line : lines) {
            line.due = start + line.client.phase(interval);
            connect(line);
        }
        Thread t = Thread.ofPlatform().name("loadgen-timer").daemon().start(this::time);
        timer = t;
        try {
            loop(measureFrom, until);
        } finally {
            finished = true;
            LockSupport.unpark(t);
            for (Line line : lines) {
                close(line);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ---- the loop

    private void loop(long measureFrom, long until) {
        while (true) {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            boolean anyOut = false;
            for (Line line : lines) {
                if (!line.out && line.due <= now && line.due < until) {
                    send(line, measureFrom);
                }
                if (line.out) {
                    anyOut = true;
                } else if (line.due < until) {
                    next = Math.min(next, line.due);
                }
            }
            if (next == Long.MAX_VALUE && !anyOut) {
                return; // every batch due before the end went out and was answered
            }
            if (now - until > timeoutNanos) {
                for (Line line : lines) {
                    if (line.out) {
                        line.client.error("", "no reply within " + o.timeoutMillis() + " ms of the end");
                    }
                }
                return;
            }
            publish(next == Long.MAX_VALUE ? until + timeoutNanos : next);
            try {
                selector.select(key -> readable((Line) key.attachment(), measureFrom, until));
            } catch (IOException e) {
                throw new IllegalStateException("the selector failed", e);
            }
        }
    }

    /** Tells the timer when the loop must next wake; unparks it if it sleeps past that. */
    private void publish(long due) {
        if (due != nextDue) {
            nextDue = due;
            if (due < timerSleepsUntil) {
                LockSupport.unpark(timer);
            }
        }
    }

    /** Sends the line's next batch, which is due; the line must have no batch out. */
    private void send(Line line, long measureFrom) {
        Client client = line.client;
        line.sentDue = line.due;
        line.due += interval;
        line.measured = line.sentDue >= measureFrom;
        client.nextBatch(line.batch, line.isGet);
        if (line.connection == null && !connect(line)) {
            client.lost("", new IOException("cannot reconnect"), line.batch.length);
            return;
        }
        if (line.measured) {
            client.sendLag.record(System.nanoTime() - line.sentDue);
        }
        try {
            line.connection.sendBatch(line.batch, line.isGet);
            line.out = true;
            line.answered = 0;
        } catch (IOException e) {
            client.lost("", e, line.batch.length);
            close(line);
        }
    }

    /** Reads what replies have come on the line's connection; sends its next batch if it is due. */
    private void readable(Line line, long measureFrom, long until) {
        Client client = line.client;
        ProtocolConnection c = line.connection;
        try {
            if (!line.out) {
                int got = line.channel.read(ByteBuffer.allocate(1));
                if (got == 0) {
                    return;
                }
                throw new IOException(got < 0 ? "the server closed the connection" : "a reply to no request");
            }
            while (line.answered < line.batch.length) {
                int i = line.answered;
                c.in.mark();
                String wrong;
                try {
                    wrong = c.read(line.batch[i], line.isGet[i]);
                } catch (NoReplyYet partial) {
                    c.in.reset();
                    return;
                }
                long now = System.nanoTime();
                client.error("", wrong);
                if (line.measured) {
                    long latency = now - line.sentDue;
                    client.answered(line.isGet[i], latency, now);
                    if (timeline != null) {
                        timeline.record(line.sentDue, latency);
                    }
                }
                line.answered++;
            }
        } catch (IOException e) {
            client.lost("", e, line.out ? line.batch.length - line.answered : 0);
            if (line.measured) {
                client.lastReply = System.nanoTime();
            }
            close(line);
            return;
        }
        line.out = false;
        if (line.due <= System.nanoTime() && line.due < until) {
            send(line, measureFrom); // late: the next batch goes out at once
        }
    }

    // ---- the timer

    /**
     * Parks until the next batch is due, wakes the loop, and parks until the loop says when the
     * next one is. The loop writes {@link #nextDue} and then reads {@link #timerSleepsUntil};
     * this writes {@link #timerSleepsUntil} and then reads {@link #nextDue} again before
     * parking: so either this sees the new due time or the loop sees that it must unpark this.
     */
    private void time() {
        long woken = Long.MIN_VALUE;
        while (!finished) {
            long due = nextDue;
            long now = System.nanoTime();
            if (due <= now && due != woken) {
                woken = due;
                selector.wakeup();
                continue;
            }
            long until = due > now ? due : Long.MAX_VALUE; // woken for it: wait for the next one
            timerSleepsUntil = until;
            if (nextDue != due) {
                continue;
            }
            if (until == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, until - now);
            }
        }
    }

    // ---- connections

    /** Opens the line's connection, non-blocking and registered with the selector; false if it cannot. */
    private boolean connect(Line line) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(new InetSocketAddress(o.host(), o.port()), o.timeoutMillis());
            channel.configureBlocking(false);
            line.connection = ProtocolConnection.over(o.protocol(), keys, new Received(channel), new Sent(channel),
                    channel);
            line.channel = channel;
            channel.register(selector, SelectionKey.OP_READ, line);
            return true;
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            line.connection = null;
            line.channel = null;
            return false;
        }
    }

    private static void close(Line line) {
        if (line.connection != null) {
            try {
                line.connection.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        line.connection = null;
        line.channel = null;
        line.out = false;
    }

    /** Thrown when a reply is not all there yet: the loop reads it again when more has come. */
    private static final class NoReplyYet extends IOException {
        private static final long serialVersionUID = 1L;
        static final NoReplyYet INSTANCE = new NoReplyYet();

        private NoReplyYet() {
            super("the rest of the reply has not come yet");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // thrown all the time, never shown: a stack trace would be waste
        }
    }

    /** What the server sent so far, without waiting for more. */
    private static final class Received extends InputStream {
        private final SocketChannel channel;
        private final Window window = new Window();

        Received(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = channel.read(window.over(b, off, len));
            if (n == 0) {
                throw NoReplyYet.INSTANCE;
            }
            return n;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("ReplyInput reads blocks");
        }
    }

    /** Writes all of a batch, pausing briefly while the send buffer is full, up to the timeout. */
    private final class Sent extends OutputStream {
        private final SocketChannel channel;
        private final Window window = new Window();

        Sent(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buffer = window.over(b, off, len);
            long deadline = System.nanoTime() + timeoutNanos;
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the server read none of a batch for " + o.timeoutMillis() + " ms");
                    }
                    LockSupport.parkNanos(SEND_PAUSE_NANOS);
                }
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    /**
     * A {@link ByteBuffer} over a part of an array, made once per array rather than once per
     * read or write: the streams above hand the same buffer every time, and the generator should
     * allocate nothing while it measures, or its own collections are charged to the server.
     */
    private static final class Window {
        private ByteBuffer buffer = ByteBuffer.allocate(0);

        ByteBuffer over(byte[] b, int off, int len) {
            if (buffer.array() != b) {
                buffer = ByteBuffer.wrap(b);
            }
            buffer.limit(off + len);
            buffer.position(off);
            return buffer;
        }
    }
}
