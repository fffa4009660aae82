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
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The open connections of every listener: the permits that bound them, the protocol each speaks,
 * and the event loops that run them.
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
    private final LoopServing serving;

    /** Opens the connections' event loops. */
    Connections(ServerContext context, Map<Protocol, ProtocolHandler> handlers) throws IOException {
        this.context = context;
        this.handlers = Map.copyOf(handlers);
        this.permits = new Semaphore(context.config().maxConnections());
        ServerConfig config = context.config();
        this.clientMemory = new ClientMemory(config.clientMemoryBytes(), context.stats().clientMemoryBytes);
        this.serving = new LoopServing(this, config);
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
     * Takes over a socket that was just accepted: serves it, or refuses it in its port's
     * protocol when every permit is taken.
     */
    void open(SocketChannel channel, Protocol portProtocol) {
        context.stats().totalConnections.increment();
        if (!permits.tryAcquire()) {
            context.stats().rejectedConnections.increment();
            refuse(channel, portProtocol);
            return;
        }
        context.stats().currConnections.incrementAndGet();
        serving.serve(channel, portProtocol);
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

    /**
     * Stops the connections: no new ones are served, the open ones see the end of their input
     * (so a request already read is still answered) and get {@code grace} to finish; whatever is
     * left after that is closed.
     *
     * @return true when every connection finished within the grace period
     */
    boolean shutdown(Duration grace) throws InterruptedException {
        return serving.shutdown(grace);
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

    private void refuse(SocketChannel channel, Protocol portProtocol) {
        LOG.log(DEBUG, "refusing {0}: {1} connections open", channel.socket().getRemoteSocketAddress(),
                context.config().maxConnections());
        try (channel) {
            // A few bytes into a fresh socket's send buffer: this does not block the accept loop.
            channel.write(ByteBuffer.wrap(Refusals.tooManyConnections(portProtocol)));
        } catch (IOException e) {
            LOG.log(TRACE, "refused client was already gone", e);
        }
    }
}
