package dev.speicherd.server;

import static java.lang.System.Logger.Level.TRACE;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs connections on {@code --io-threads} NIO event loops, handing each new one to the next loop;
 * a platform thread per port accepts them ({@link Listener}).
 */
final class LoopServing implements Serving {

    private static final System.Logger LOG = System.getLogger(LoopServing.class.getName());

    private final Connections connections;
    private final List<EventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    LoopServing(Connections connections, ServerConfig config) throws IOException {
        this.connections = connections;
        List<EventLoop> opened = new ArrayList<>();
        try {
            for (int i = 0; i < config.ioThreads(); i++) {
                opened.add(new EventLoop(connections, config.idleTimeout(), i));
            }
        } catch (IOException e) {
            for (EventLoop loop : opened) {
                closeQuietly(loop);
            }
            throw e;
        }
        this.loops = List.copyOf(opened);
    }

    @Override
    public Port listen(Protocol protocol, InetAddress address, int port) throws IOException {
        return Listener.open(protocol, address, port, this);
    }

    @Override
    public String describe() {
        return "nio";
    }

    /**
     * Takes over a socket that was just accepted: serves it on the next loop until it closes, or
     * refuses it in its port's protocol when every permit is taken.
     */
    void accept(SocketChannel channel, Protocol portProtocol) {
        if (!connections.admit(channel.socket().getRemoteSocketAddress())) {
            refuse(channel, portProtocol);
            return;
        }
        loops.get(Math.floorMod(next.getAndIncrement(), loops.size())).add(channel, portProtocol);
    }

    @Override
    public boolean shutdown(Duration grace) throws InterruptedException {
        loops.forEach(EventLoop::endInput);
        boolean clean = Serving.awaitDrained(grace, () -> loops.stream().allMatch(loop -> loop.connections() == 0));
        for (EventLoop loop : loops) {
            loop.close();
        }
        return clean;
    }

    private static void refuse(SocketChannel channel, Protocol portProtocol) {
        try (channel) {
            // A few bytes into a fresh socket's send buffer: this does not block the accept loop.
            channel.write(ByteBuffer.wrap(Refusals.tooManyConnections(portProtocol)));
        } catch (IOException e) {
            LOG.log(TRACE, "refused client was already gone", e);
        }
    }

    private static void closeQuietly(EventLoop loop) {
        try {
            loop.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
