package dev.speicherd.server;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.TRACE;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection on an {@link EventLoop}: its input, its output, its session, and where it is in
 * its life. When bytes arrive it answers every whole request they complete, then sends the
 * answers in one write; a request not yet whole waits for the rest. While more answers wait to
 * leave than {@link Exchange#HIGH_WATER_BYTES}, it reads no more requests, so a client that does not read
 * cannot make the server buffer without end.
 *
 * <p>Its loop drives it in three steps per turn, each taken for every ready connection before the
 * next: {@link #receive}, {@link #answer}, {@link #send}.
 *
 * <p>Used by its loop's thread only.
 */
final class LoopConnection {

    private static final System.Logger LOG = System.getLogger(LoopConnection.class.getName());

    private enum State {
        /** Taking requests. */
        OPEN,
        /** The session ended: sending what it owes, then closing or lingering. */
        CLOSING,
        /** Our end of stream is sent: reading and dropping what the client still sends. */
        LINGERING,
        CLOSED
    }

    private final EventLoop loop;
    private final Connections connections;
    private final SocketChannel channel;
    /** The channel as requests are read and answers written: through the loop's direct buffer. */
    private final LoopSocket socket;
    private final SelectionKey key;
    private final Exchange exchange;
    private final LoopInput in;
    private final LoopOutput out;
    private State state = State.OPEN;
    private final Liveness liveness;

    LoopConnection(EventLoop loop, Connections connections, SocketChannel channel, SelectionKey key,
            Protocol portProtocol, long now) {
        this.loop = loop;
        this.connections = connections;
        this.channel = channel;
        this.key = key;
        this.socket = loop.socketOf(channel);
        this.exchange = new Exchange(connections, portProtocol, String.valueOf(channel.socket().getRemoteSocketAddress()),
                new LoopOutput(connections.clientMemory(), loop.answersTo(socket)));
        this.in = exchange.in();
        this.out = exchange.out();
        this.liveness = new Liveness(now);
    }

    /**
     * The first step for a connection the selector found ready: sends what the socket can now
     * take, and reads what arrived (or drops it, when lingering).
     */
    void receive(long now) {
        try {
            int ops = key.readyOps();
            if ((ops & SelectionKey.OP_WRITE) != 0 && out.send() > 0) {
                liveness.active(now);
            }
            if (state == State.LINGERING) {
                linger();
                return;
            }
            if ((ops & SelectionKey.OP_READ) != 0 && takingInput()) {
                if (in.receive(socket) > 0) {
                    liveness.active(now);
                } else if (in.starved()) {
                    loop.starved(this); // reads nothing until its request has the memory to grow
                    connections.context().stats().clientMemoryWaits.increment();
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            failed(e);
        }
    }

    /** The connection's requests and answers, for the loop to warm their lookups up. */
    Exchange exchange() {
        return exchange;
    }

    /** The second step: answers the whole requests buffered, into the output. */
    void answer() {
        if (state != State.OPEN) {
            return;
        }
        try {
            answerBuffered();
        } catch (IOException | RuntimeException | Error e) {
            failed(e);
        }
    }

    /**
     * The last step: sends the answers, answers on while the socket takes them and whole
     * requests are buffered, and says what to wait for next.
     */
    void send(long now) {
        if (!exchange.opened() || (state != State.OPEN && state != State.CLOSING)) {
            return; // nothing came yet, so nothing is owed; or the connection is done with
        }
        try {
            // The answers may have stopped at the high-water mark: go on while the socket takes
            // them and whole requests are still buffered.
            while (true) {
                if (out.send() > 0) {
                    liveness.active(now);
                }
                if (state != State.OPEN || !exchange.answering()) {
                    break;
                }
                answerBuffered();
            }
            if (state == State.CLOSING && out.pending() == 0) {
                finish(now);
                return;
            }
            int ops = (takingInput() ? SelectionKey.OP_READ : 0) | (out.pending() > 0 ? SelectionKey.OP_WRITE : 0);
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        } catch (IOException | RuntimeException | Error e) {
            failed(e);
        }
    }

    /**
     * Takes no more input, as at shutdown: the requests already here are answered, then the
     * connection closes.
     */
    void endInput(long now) {
        if (state != State.OPEN) {
            return;
        }
        in.end();
        answer();
        send(now);
    }

    /** Closes the connection if it has been idle too long or has lingered long enough. */
    void tick(long now, long idleNanos) {
        if (liveness.over(now, idleNanos, state == State.LINGERING, exchange.peer())) {
            close();
        }
    }

    /**
     * For a connection whose request waits for {@link ClientMemory}: tries again, and reads again
     * once it got the memory. True when it no longer waits (it got it, or it closed).
     */
    boolean resume() {
        if (state != State.OPEN) {
            return true;
        }
        if (!in.resume()) {
            return false;
        }
        key.interestOps(key.interestOps() | SelectionKey.OP_READ);
        return true;
    }

    /** Answer bytes written and not yet sent. */
    int pending() {
        return out.pending();
    }

    /** Closes the socket and gives back the connection's permit and memory; later calls do nothing. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(TRACE, "close failed", e);
        }
        exchange.close();
        loop.closed(this);
        connections.release();
        LOG.log(DEBUG, "closed {0}", exchange.peer());
    }

    private boolean takingInput() {
        return state == State.OPEN && exchange.takingInput();
    }

    private void failed(Throwable e) {
        exchange.failed(e);
        close();
    }

    /** Answers the requests buffered; closes when the client ended without a byte. */
    private void answerBuffered() throws IOException {
        if (!exchange.answer()) {
            close();
        } else if (exchange.over()) {
            state = State.CLOSING;
        }
    }

    /**
     * Closes after the session ended. Closing a socket with input unread makes the kernel send a
     * reset, which can destroy the last answer before the client reads it; so when the client is
     * still sending, our end of stream goes first, and what the client sends is read and dropped,
     * for at most {@link Connections#LINGER} and {@link Connections#LINGER_MAX_BYTES}.
     */
    private void finish(long now) throws IOException {
        if (!exchange.clientSendsMore() && (in.ended() || in.receive(socket) <= 0)) {
            close();
            return;
        }
        channel.shutdownOutput();
        state = State.LINGERING;
        liveness.lingerFrom(now);
        key.interestOps(SelectionKey.OP_READ);
    }

    private void linger() throws IOException {
        int n;
        while ((n = socket.drop()) > 0) {
            if (liveness.droppedEnough(n)) {
                close();
                return;
            }
        }
        if (n < 0) {
            close();
        }
    }
}
