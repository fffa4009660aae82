package dev.speicherd.server;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs connections on {@code --io-threads} event loops, handing each new one to the next loop. */
final class LoopServing {

    /** How often shutdown looks whether the loops' connections have finished. */
    private static final long SHUTDOWN_POLL_MILLIS = 10;

    private final List<EventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    LoopServing(Connections connections, ServerConfig config) throws IOException {
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

    /** Serves a connection that was just accepted and holds a permit, until it closes. */
    void serve(SocketChannel channel, Protocol portProtocol) {
        loops.get(Math.floorMod(next.getAndIncrement(), loops.size())).add(channel, portProtocol);
    }

    /**
     * Ends every connection's input, gives them {@code grace} to answer what they read, then
     * closes the rest.
     *
     * @return true when every connection finished within the grace period
     */
    boolean shutdown(Duration grace) throws InterruptedException {
        loops.forEach(EventLoop::endInput);
        long deadline = System.nanoTime() + grace.toNanos();
        boolean clean;
        while (!(clean = loops.stream().allMatch(loop -> loop.connections() == 0)) && System.nanoTime() < deadline) {
            Thread.sleep(SHUTDOWN_POLL_MILLIS);
        }
        for (EventLoop loop : loops) {
            loop.close();
        }
        return clean;
    }

    private static void closeQuietly(EventLoop loop) {
        try {
            loop.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
