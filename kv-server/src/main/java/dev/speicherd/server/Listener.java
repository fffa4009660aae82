package dev.speicherd.server;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * One listening port: a named platform thread that accepts connections and hands each to {@link
 * Connections}. The listener knows which protocol its port was opened for, but the connection
 * chooses by the client's first byte, so either port serves either protocol.
 */
final class Listener implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Listener.class.getName());

    /** Pending connections the kernel queues for us; memcached uses 1024 as well. */
    static final int BACKLOG = 1024;
    /** A failing accept (e.g. out of file descriptors) is retried after this pause, not spun on. */
    static final long ACCEPT_RETRY_MILLIS = 50;

    private final Protocol protocol;
    private final ServerSocketChannel socket;
    private final Connections connections;
    private final Thread acceptor;

    private Listener(Protocol protocol, ServerSocketChannel socket, Connections connections) {
        this.protocol = protocol;
        this.socket = socket;
        this.connections = connections;
        this.acceptor = Thread.ofPlatform()
                .name("speicherd-accept-" + protocol.name().toLowerCase(java.util.Locale.ROOT))
                .unstarted(this::acceptLoop);
    }

    /**
     * Binds a port and starts accepting on it.
     *
     * @throws IOException if the port cannot be bound
     */
    static Listener open(Protocol protocol, InetAddress address, int port, Connections connections)
            throws IOException {
        ServerSocketChannel socket = ServerSocketChannel.open();
        try {
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            socket.bind(new InetSocketAddress(address, port), BACKLOG);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen for " + protocol.name().toLowerCase(java.util.Locale.ROOT)
                    + " on " + address.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
        }
        Listener listener = new Listener(protocol, socket, connections);
        listener.acceptor.start();
        return listener;
    }

    /** The address actually bound. */
    InetSocketAddress address() {
        return (InetSocketAddress) socket.socket().getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (socket.isOpen()) {
            SocketChannel client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (!socket.isOpen()) {
                    return;
                }
                LOG.log(WARNING, "accept failed on " + address() + ", retrying", e);
                pause();
                continue;
            }
            try {
                connections.open(client, protocol);
            } catch (RuntimeException | Error e) {
                LOG.log(ERROR, "bug: could not hand over a connection", e);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ACCEPT_RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting; connections already accepted are not touched. */
    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
