package dev.speicherd.server;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.TRACE;

import dev.speicherd.codec.KeySpan;
import java.io.EOFException;
import java.io.IOException;

/**
 * A connection's requests and answers, whichever transport carries its bytes: its input, its
 * output, and the session that reads the one and writes the other, opened in the protocol its
 * client's first byte chose. The transport puts what arrives into {@link #in()}, calls {@link
 * #answer}, and sends what {@link #out()} then holds.
 *
 * <p>Used by its connection's I/O thread only.
 */
final class Exchange {

    private static final System.Logger LOG = System.getLogger(Exchange.class.getName());

    /** Answers waiting to leave past which the connection stops taking requests. */
    static final int HIGH_WATER_BYTES = 256 * 1024;

    private final Connections connections;
    private final Protocol portProtocol;
    private final String peer;
    private final LoopInput in;
    private final LoopOutput out;
    private Session session;
    /** The session ended: no more requests are answered. */
    private boolean over;

    /**
     * @param connections the server's connections, which open sessions and lend memory
     * @param portProtocol the protocol of the port the client came to, for a first byte that says none
     * @param peer the client's address, for the log
     * @param out where the transport takes the answers to be sent from
     */
    Exchange(Connections connections, Protocol portProtocol, String peer, LoopOutput out) {
        this.connections = connections;
        this.portProtocol = portProtocol;
        this.peer = peer;
        this.in = new LoopInput(connections.clientMemory());
        this.out = out;
        LOG.log(DEBUG, "connection from {0}", peer);
    }

    LoopInput in() {
        return in;
    }

    LoopOutput out() {
        return out;
    }

    String peer() {
        return peer;
    }

    /** Whether the session has ended: it answers nothing more, and the connection is to close. */
    boolean over() {
        return over;
    }

    /** Whether the client has sent a first byte, so a session is open and may owe answers. */
    boolean opened() {
        return session != null;
    }

    /**
     * Whether requests may be read: the session goes on, the input is not at its end nor waiting
     * for memory, and the answers are under the high-water mark.
     */
    boolean takingInput() {
        return !over && !in.ended() && !in.starved() && out.pending() < HIGH_WATER_BYTES;
    }

    /**
     * Answers the whole requests buffered, into the output, up to the high-water mark of answers
     * waiting to leave; opens the session first, by the client's first byte.
     *
     * @return false when the client ended its stream without a byte, so the connection is to close
     */
    boolean answer() throws IOException {
        if (over) {
            return true;
        }
        if (session == null) {
            if (in.available() == 0) {
                return !in.ended();
            }
            Protocol protocol = Protocol.of(in.peek(), portProtocol);
            LOG.log(TRACE, "{0} speaks {1}", peer, protocol);
            session = connections.open(protocol, new Transport(in, out, in::received));
        }
        while (answering()) {
            boolean goOn;
            try {
                goOn = session.serveOne();
            } catch (MoreInputNeeded e) {
                in.rewind();
                session.forgetUnread();
                return true;
            } catch (EOFException e) {
                // Cut off inside a request: what came before it is still owed.
                Connections.logEnd(peer, e);
                goOn = false;
            }
            in.commit(session.unread());
            over = !goOn;
        }
        return true;
    }

    /** Whether a whole request may be buffered and is to be answered now. */
    boolean answering() {
        return !over && out.pending() < HIGH_WATER_BYTES && in.ready();
    }

    /**
     * Where the key of the next request lies in {@link #inputBuffer()}, see {@link
     * Session#keyOfNext}.
     */
    long keyOfNext() {
        return !over && session != null ? in.keyOfNext(session) : KeySpan.NONE;
    }

    /** The buffer that {@link #keyOfNext} points into. */
    byte[] inputBuffer() {
        return in.buffer();
    }

    /** Whether the client is still sending after the session ended, with bytes here that no request took. */
    boolean clientSendsMore() {
        return !in.ended() && (in.available() > 0 || session.unread() > 0);
    }

    /** Counts and logs why the connection failed, before it closes: a failing client at DEBUG, else as a bug. */
    void failed(Throwable e) {
        if (e instanceof ClientMemory.Exhausted) {
            connections.context().stats().clientMemoryClosed.increment();
        }
        Connections.logEnd(peer, e);
    }

    /** Ends the session and gives the buffers' memory back; nothing is read or answered after. */
    void close() {
        over = true;
        in.release();
        out.release();
        if (session != null) {
            session.close();
        }
    }
}
