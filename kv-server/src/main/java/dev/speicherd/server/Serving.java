package dev.speicherd.server;

import java.nio.channels.SocketChannel;
import java.time.Duration;

/** How accepted connections are run: on event loops, or on a thread each. */
sealed interface Serving permits LoopServing, ThreadServing {

    /** Serves a connection that was just accepted and holds a permit, until it closes. */
    void serve(SocketChannel channel, Protocol portProtocol);

    /**
     * Ends every connection's input, gives them {@code grace} to answer what they read, then
     * closes the rest.
     *
     * @return true when every connection finished within the grace period
     */
    boolean shutdown(Duration grace) throws InterruptedException;
}
