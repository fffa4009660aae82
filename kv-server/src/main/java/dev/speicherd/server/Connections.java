package dev.speicherd.server;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.TRACE;
import static java.lang.System.Logger.Level.WARNING;

import dev.speicherd.api.StorageException;
import dev.speicherd.codec.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The open connections of every listener: the permits that bound them, the memory their buffers
 * share, and the sessions they open.
 */
final class Connections {

    private static final System.Logger LOG = System.getLogger(Connections.class.getName());

    /** How long, and how many bytes, a closing connection reads of what the client still sends. */
    static final Duration LINGER = Duration.ofSeconds(2);
    static final long LINGER_MAX_BYTES = 64L * 1024 * 1024;

    private final ServerContext context;
    private final Map<Protocol, ProtocolHandler> handlers;
    private final Semaphore permits;
    private final ClientMemory clientMemory;

    Connections(ServerContext context, Map<Protocol, ProtocolHandler> handlers) {
        this.context = context;
        this.handlers = Map.copyOf(handlers);
        this.permits = new Semaphore(context.config().maxConnections());
        ServerConfig config = context.config();
        this.clientMemory = new ClientMemory(config.clientMemoryBytes(), context.stats().clientMemoryBytes);
    }

    /**
     * Whether the loops must make the changes of their turn durable before any answer leaves:
     * under the log engine's {@code fsync always}, whose store syncs when asked ({@link
     * dev.speicherd.api.Store#sync}), once for all the changes of a turn.
     */
    static boolean syncsBeforeAnswering(ServerConfig config) {
        return config.engine() == ServerConfig.Engine.LOG && config.fsync() == ServerConfig.Fsync.ALWAYS;
    }

    /**
     * Counts a connection just accepted and takes a permit for it; false when every permit is
     * taken, and the connection is to be refused ({@link Refusals}) and closed.
     */
    boolean admit(Object peer) {
        context.stats().totalConnections.increment();
        if (!permits.tryAcquire()) {
            context.stats().rejectedConnections.increment();
            LOG.log(DEBUG, "refusing {0}: {1} connections open", peer, context.config().maxConnections());
            return false;
        }
        context.stats().currConnections.incrementAndGet();
        return true;
    }

    /** Opens a session in the protocol the client's first byte chose. */
    Session open(Protocol protocol, Transport transport) {
        return handlers.get(protocol).open(transport, context);
    }

    /** What the event loops' connections may hold in buffers beyond their starting size, all together. */
    ClientMemory clientMemory() {
        return clientMemory;
    }

    /** The server these connections serve. */
    ServerContext context() {
        return context;
    }

    /** Gives back a closed connection's permit. */
    void release() {
        context.stats().currConnections.decrementAndGet();
        permits.release();
    }

    /** Logs why a connection ended, at a level by cause: a client going away is no news. */
    static void logEnd(String peer, Throwable e) {
        switch (e) {
            case SocketTimeoutException t -> LOG.log(DEBUG, "closing {0}: idle", peer);
            case EOFException t -> LOG.log(DEBUG, "{0} went away: {1}", peer, t.getMessage());
            case SocketException t -> LOG.log(DEBUG, "{0} went away: {1}", peer, t.getMessage());
            case ProtocolException t -> LOG.log(DEBUG, "closing {0}: {1}", peer, t.getMessage());
            case StorageException t -> LOG.log(DEBUG, "closing {0}: {1}", peer, t.getMessage());
            case IOException t -> LOG.log(DEBUG, "connection from " + peer + " failed", t);
            default -> LOG.log(WARNING, "bug: connection from " + peer + " failed", e);
        }
    }

    static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(TRACE, "close failed", e);
        }
    }
}
