package dev.speicherd.server;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.TRACE;
import static java.lang.System.Logger.Level.WARNING;

import dev.speicherd.codec.ProtocolException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The open connections of every listener: the permits that bound them, the virtual threads that
 * serve them, and the set of live sockets that shutdown closes.
 */
final class Connections {

    private static final System.Logger LOG = System.getLogger(Connections.class.getName());

    /** Input buffer per connection: a pipeline of small requests is read in few system calls. */
    static final int INPUT_BUFFER_BYTES = 16 * 1024;
    /** How long, and how many bytes, a closing connection reads of what the client still sends. */
    static final Duration LINGER = Duration.ofSeconds(2);
    static final long LINGER_MAX_BYTES = 64L * 1024 * 1024;

    private final ServerContext context;
    private final Map<Protocol, ProtocolHandler> handlers;
    private final Semaphore permits;
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("speicherd-conn-", 0).factory());

    Connections(ServerContext context, Map<Protocol, ProtocolHandler> handlers) {
        this.context = context;
        this.handlers = Map.copyOf(handlers);
        this.permits = new Semaphore(context.config().maxConnections());
    }

    /**
     * Takes over a socket that was just accepted: serves it on a virtual thread, or refuses it
     * in its port's protocol when every permit is taken.
     */
    void open(Socket socket, Protocol portProtocol) {
        context.stats().totalConnections.increment();
        if (!permits.tryAcquire()) {
            context.stats().rejectedConnections.increment();
            refuse(socket, portProtocol);
            return;
        }
        live.add(socket);
        context.stats().currConnections.incrementAndGet();
        try {
            threads.execute(() -> serve(socket, portProtocol));
        } catch (RuntimeException e) { // the executor is shut down: we are stopping
            release(socket);
            closeQuietly(socket);
        }
    }

    private void refuse(Socket socket, Protocol portProtocol) {
        LOG.log(DEBUG, "refusing {0}: {1} connections open", socket.getRemoteSocketAddress(),
                context.config().maxConnections());
        try (socket) {
            // A few bytes into a fresh socket's send buffer: this does not block the accept loop.
            socket.getOutputStream().write(Refusals.tooManyConnections(portProtocol));
        } catch (IOException e) {
            LOG.log(TRACE, "refused client was already gone", e);
        }
    }

    private void serve(Socket socket, Protocol portProtocol) {
        String peer = String.valueOf(socket.getRemoteSocketAddress());
        LOG.log(DEBUG, "connection from {0}", peer);
        try (socket) {
            socket.setTcpNoDelay(true);
            Duration idle = context.config().idleTimeout();
            if (!idle.isZero()) {
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idle.toMillis()));
            }
            ConnectionInput in = new ConnectionInput(socket.getInputStream(), INPUT_BUFFER_BYTES);
            int first = in.peek();
            if (first < 0) {
                return;
            }
            Protocol protocol = Protocol.of(first, portProtocol);
            LOG.log(TRACE, "{0} speaks {1}", peer, protocol);
            handlers.get(protocol).serve(in, socket.getOutputStream(), context);
            lingerForUnreadInput(socket, in);
        } catch (SocketTimeoutException e) {
            LOG.log(DEBUG, "closing {0}: idle for {1}", peer, context.config().idleTimeout());
        } catch (EOFException | SocketException e) {
            LOG.log(DEBUG, "{0} went away: {1}", peer, e.getMessage());
        } catch (ProtocolException e) {
            LOG.log(DEBUG, "closing {0}: {1}", peer, e.getMessage());
        } catch (IOException e) {
            LOG.log(DEBUG, "connection from " + peer + " failed", e);
        } catch (RuntimeException | Error e) {
            LOG.log(WARNING, "bug: connection from " + peer + " failed", e);
        } finally {
            release(socket);
            LOG.log(DEBUG, "closed {0}", peer);
        }
    }

    /**
     * Closing a socket with unread input makes the kernel send a reset, which can destroy the
     * last answer before the client reads it (e.g. the error for an oversized frame). So when
     * input is left over, we send our end-of-stream first and read what the client still sends,
     * bounded in bytes and time, before the close.
     */
    private static void lingerForUnreadInput(Socket socket, BufferedInputStream in) throws IOException {
        if (socket.isClosed() || (in.available() == 0 && socket.getInputStream().available() == 0)) {
            return;
        }
        socket.shutdownOutput();
        socket.setSoTimeout((int) LINGER.toMillis());
        long deadline = System.nanoTime() + LINGER.toNanos();
        byte[] sink = new byte[INPUT_BUFFER_BYTES];
        long drained = 0;
        try {
            int n;
            while (drained < LINGER_MAX_BYTES && System.nanoTime() < deadline && (n = in.read(sink)) >= 0) {
                drained += n;
            }
        } catch (SocketTimeoutException e) {
            LOG.log(TRACE, "client kept the connection open after our end of stream");
        }
    }

    private void release(Socket socket) {
        if (live.remove(socket)) {
            context.stats().currConnections.decrementAndGet();
            permits.release();
        }
    }

    /**
     * Stops the connections: no new ones are served, the open ones see the end of their input
     * (so a request already read is still answered) and get {@code grace} to finish; whatever is
     * left after that is closed.
     *
     * @return true when every connection finished within the grace period
     */
    boolean shutdown(Duration grace) throws InterruptedException {
        threads.shutdown();
        for (Socket socket : live) {
            try {
                socket.shutdownInput();
            } catch (IOException e) {
                closeQuietly(socket);
            }
        }
        boolean clean = threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        if (!clean) {
            live.forEach(Connections::closeQuietly);
            threads.awaitTermination(1, TimeUnit.SECONDS);
        }
        return clean;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(TRACE, "close failed", e);
        }
    }
}
