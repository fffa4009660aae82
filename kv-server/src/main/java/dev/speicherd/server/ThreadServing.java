package dev.speicherd.server;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.TRACE;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs each connection on a virtual thread of its own, which blocks on the socket: what a
 * request that waits (for its fsync) needs, so that many connections' waits overlap.
 */
final class ThreadServing implements Serving {

    private static final System.Logger LOG = System.getLogger(ThreadServing.class.getName());

    private final Connections connections;
    private final Set<SocketChannel> live = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("speicherd-conn-", 0).factory());

    ThreadServing(Connections connections) {
        this.connections = connections;
    }

    @Override
    public void serve(SocketChannel channel, Protocol portProtocol) {
        live.add(channel);
        try {
            threads.execute(() -> run(channel, portProtocol));
        } catch (RuntimeException e) { // the executor is shut down: we are stopping
            release(channel);
            Connections.closeQuietly(channel);
        }
    }

    private void run(SocketChannel channel, Protocol portProtocol) {
        Socket socket = channel.socket();
        String peer = String.valueOf(socket.getRemoteSocketAddress());
        LOG.log(DEBUG, "connection from {0}", peer);
        try (channel) {
            socket.setTcpNoDelay(true);
            Duration idle = connections.context().config().idleTimeout();
            if (!idle.isZero()) {
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idle.toMillis()));
            }
            ConnectionInput in = new ConnectionInput(socket.getInputStream(), Transport.INPUT_BUFFER_BYTES);
            int first = in.peek();
            if (first < 0) {
                return;
            }
            Protocol protocol = Protocol.of(first, portProtocol);
            LOG.log(TRACE, "{0} speaks {1}", peer, protocol);
            Transport transport = Transport.blocking(in, socket.getOutputStream());
            connections.serve(protocol, transport);
            lingerForUnreadInput(socket, in);
        } catch (IOException | RuntimeException | Error e) {
            Connections.logEnd(peer, e);
        } finally {
            release(channel);
            LOG.log(DEBUG, "closed {0}", peer);
        }
    }

    /**
     * Closing a socket with unread input makes the kernel send a reset, which can destroy the
     * last answer before the client reads it (e.g. the error for an oversized frame). So when
     * input is left over, we send our end-of-stream first and read what the client still sends,
     * bounded in bytes and time, before the close.
     */
    private static void lingerForUnreadInput(Socket socket, ConnectionInput in) throws IOException {
        if (socket.isClosed() || (in.available() == 0 && socket.getInputStream().available() == 0)) {
            return;
        }
        socket.shutdownOutput();
        socket.setSoTimeout((int) Connections.LINGER.toMillis());
        long deadline = System.nanoTime() + Connections.LINGER.toNanos();
        byte[] sink = new byte[Transport.INPUT_BUFFER_BYTES];
        long drained = 0;
        try {
            int n;
            while (drained < Connections.LINGER_MAX_BYTES && System.nanoTime() < deadline && (n = in.read(sink)) >= 0) {
                drained += n;
            }
        } catch (SocketTimeoutException e) {
            LOG.log(TRACE, "client kept the connection open after our end of stream");
        }
    }

    private void release(SocketChannel channel) {
        if (live.remove(channel)) {
            connections.release();
        }
    }

    @Override
    public boolean shutdown(Duration grace) throws InterruptedException {
        threads.shutdown();
        for (SocketChannel channel : live) {
            try {
                channel.shutdownInput();
            } catch (IOException e) {
                Connections.closeQuietly(channel);
            }
        }
        boolean clean = threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        if (!clean) {
            live.forEach(Connections::closeQuietly);
            threads.awaitTermination(1, TimeUnit.SECONDS);
        }
        return clean;
    }
}
