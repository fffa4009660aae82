package dev.speicherd.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Store;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A running speicherd: the store, the listeners and their connections. {@link #start} brings it
 * up; {@link #stop} takes it down in order (stop accepting, let in-flight requests finish, close
 * the store), once.
 */
final class Server {

    private static final System.Logger LOG = System.getLogger(Server.class.getName());

    /** How long in-flight requests get to finish at shutdown before their connections are cut. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final Store store;
    private final Serving serving;
    private final List<Serving.Port> ports;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object stopLock = new Object();
    private boolean stopping;

    private Server(Store store, Serving serving, List<Serving.Port> ports) {
        this.store = store;
        this.serving = serving;
        this.ports = ports;
    }

    /**
     * Opens the store and the listeners.
     *
     * @param config the configuration
     * @param store the opened store; the server closes it when it stops
     * @param clock the time source
     * @param handlers the handler of each protocol
     * @return the running server
     * @throws IOException if the event loops cannot start or a port cannot be bound; the store is
     *     closed then
     */
    static Server start(ServerConfig config, Store store, Clock clock, Map<Protocol, ProtocolHandler> handlers)
            throws IOException {
        ServerContext context = new ServerContext(store, clock, config, new ServerStats(clock.millis()));
        Connections connections = new Connections(context, handlers);
        Serving serving;
        try {
            serving = serving(config, connections);
        } catch (IOException e) {
            store.close();
            throw e;
        }
        List<Serving.Port> opened = new ArrayList<>();
        Map<Protocol, Integer> ports = new EnumMap<>(Protocol.class);
        ports.put(Protocol.SPEICHER, config.speicherPort());
        ports.put(Protocol.MEMCACHED, config.memcachedPort());
        try {
            for (Map.Entry<Protocol, Integer> port : ports.entrySet()) {
                if (port.getValue() != 0) {
                    opened.add(serving.listen(port.getKey(), config.listen(), port.getValue()));
                }
            }
        } catch (IOException e) {
            for (Serving.Port port : opened) {
                port.close();
            }
            try {
                serving.shutdown(Duration.ZERO);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            store.close();
            throw e;
        }
        return new Server(store, serving, List.copyOf(opened));
    }

    /**
     * The event loops {@code --io} asks for. {@code auto} takes io_uring where the kernel allows
     * it, except under {@code fsync always}, whose answers wait for the log's sync on the NIO
     * loops only.
     */
    private static Serving serving(ServerConfig config, Connections connections) throws IOException {
        boolean uring = switch (config.io()) {
            case NIO -> false;
            case IO_URING -> true;
            case AUTO -> !Connections.syncsBeforeAnswering(config) && uringHere();
        };
        return uring ? new UringServing(connections, config) : new LoopServing(connections, config);
    }

    /** Whether io_uring is available; if not, says why in the log, as {@code auto} then serves on NIO. */
    private static boolean uringHere() {
        if (UringServing.available()) {
            return true;
        }
        LOG.log(INFO, "io_uring is not available here, serving on nio: {0}", UringServing.unavailability());
        return false;
    }

    /** What the connections run on, for the log. */
    String describe() {
        return serving.describe();
    }

    /** The bound address of each listener, in the order speicher, memcached. */
    List<InetSocketAddress> addresses() {
        return ports.stream().map(Serving.Port::address).toList();
    }

    /**
     * Stops the server: closes the listeners, gives open connections {@link #SHUTDOWN_GRACE} to
     * finish the request in hand, then closes the store. Only the first call does anything;
     * later ones return at once.
     */
    void stop() {
        synchronized (stopLock) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        try {
            for (Serving.Port port : ports) {
                try {
                    port.close();
                } catch (IOException e) {
                    LOG.log(WARNING, "closing a listener failed", e);
                }
            }
            try {
                if (!serving.shutdown(SHUTDOWN_GRACE)) {
                    LOG.log(WARNING, "connections still busy after {0}; closed them", SHUTDOWN_GRACE);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            store.close();
            LOG.log(INFO, "speicherd stopped");
        } finally {
            stopped.countDown();
        }
    }

    /** Blocks until {@link #stop} has finished. */
    void awaitStop() throws InterruptedException {
        stopped.await();
    }
}
