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
 * One listening port of the NIO loops: a named platform thread that accepts connections and hands
 * each to {@link LoopServing}. The listener knows which protocol its port was opened for, but the connection
 * chooses by the client's first byte, so either port serves either protocol.
 */
final class Listener implements Serving.Port {

    private static final System.Logger LOG = System.getLogger(Listener.class.getName());

    /** Pending connections the kernel queues for us; memcached uses 1024 as well. */
    static final int BACKLOG = 1024;
    /** A failing accept (e.g. out of file descriptors) is retried after this pause, not spun on. */
    static final long ACCEPT_RETRY_MILLIS = 50;

    private final Protocol protocol;
    private final ServerSocketChannel socket;
    private final LoopServing serving;
    private final Thread acceptor;

    private Listener(Protocol protocol, ServerSocketChannel socket, LoopServing serving) {
        this.protocol = protocol;
        this.socket = socket;
        this.serving = serving;
        this.acceptor = Thread.ofPlatform()
                .name("speicherd-accept-" + protocol.name().toLowerCase(java.util.Locale.ROOT))
                .unstarted(this::acceptLoop);
    }

    /**
     * Binds a port and starts accepting on it.
     *
     * @throws IOException if the port cannot be bound
     */
    static Listener open(Protocol protocol, InetAddress address, int port, LoopServing serving) throws IOException {
        ServerSocketChannel socket = ServerSocketChannel.open();
        try {
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            socket.bind(new InetSocketAddress(address, port), BACKLOG);
        } catch (IOException e) {
            socket.close();
            throw Serving.cannotListen(protocol, address, port, e);
        }
        Listener listener = new Listener(protocol, socket, serving);
        listener.acceptor.start();
        return listener;
    }

    @Override
    public InetSocketAddress address() {
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
                serving.accept(client, protocol);
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
