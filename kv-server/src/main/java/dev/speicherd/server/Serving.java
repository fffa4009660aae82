package dev.speicherd.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The event loops that carry connections' bytes, and the ports they accept on: the JDK's
 * selector ({@link LoopServing}), or io_uring ({@link UringServing}). Either runs the same
 * {@link Exchange}s: the same sessions, buffers, limits and statistics.
 */
sealed interface Serving permits LoopServing, UringServing {

    /**
     * Binds a port and serves the connections that come to it.
     *
     * @throws IOException if the port cannot be bound
     */
    Port listen(Protocol protocol, InetAddress address, int port) throws IOException;

    /**
     * Ends every connection's input, gives them {@code grace} to answer what they read, then
     * closes the rest and stops the loops.
     *
     * @return true when every connection finished within the grace period
     */
    boolean shutdown(Duration grace) throws InterruptedException;

    /** What the log says the connections run on. */
    String describe();

    /** A listening port. */
    interface Port extends AutoCloseable {

        /** The address actually bound. */
        InetSocketAddress address();

        /** Stops accepting; connections already accepted are not touched. */
        @Override
        void close() throws IOException;
    }

    /** How often shutdown looks whether the loops' connections have finished. */
    long SHUTDOWN_POLL_MILLIS = 10;

    /**
     * Waits until {@code drained} holds or {@code grace} has passed, looking every {@link
     * #SHUTDOWN_POLL_MILLIS}; returns whether it holds.
     */
    static boolean awaitDrained(Duration grace, BooleanSupplier drained) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        boolean clean;
        while (!(clean = drained.getAsBoolean()) && System.nanoTime() < deadline) {
            Thread.sleep(SHUTDOWN_POLL_MILLIS);
        }
        return clean;
    }

    /** The error for a port that cannot be bound, naming the protocol and the address. */
    static IOException cannotListen(Protocol protocol, InetAddress address, int port, Exception cause) {
        return new IOException("cannot listen for " + protocol.name().toLowerCase(java.util.Locale.ROOT)
                + " on " + address.getHostAddress() + ":" + port + ": " + cause.getMessage(), cause);
    }
}
