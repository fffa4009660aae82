package dev.speicherd.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.speicherd.api.StorageException;
import dev.speicherd.api.Store;
import dev.speicherd.server.memcached.MemcachedProtocolHandler;
import dev.speicherd.storage.MemoryStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An event loop under {@code fsync always}, in process: a turn's answers leave only after the
 * store has synced the changes they acknowledge, and when the sync fails they never leave. The
 * store models the log's {@code BATCH} contract: a sync after no change does nothing, and the
 * first after a change syncs (here: counts, fails on demand, or holds the loop until let go).
 */
final class SyncBeforeAnsweringTest {

    private static final Set<String> CHANGES = Set.of("write", "delete", "adjust", "touch", "flushAll");
    private static final int TIMEOUT_MILLIS = 10_000;

    private final AtomicInteger syncs = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean changed = new AtomicBoolean();
    /** Set to hold the loop in its next sync: {@link #inSync} opens as it gets there, {@link #letGo} ends it. */
    private final AtomicBoolean holdNextSync = new AtomicBoolean();
    private final CountDownLatch inSync = new CountDownLatch(1);
    private final CountDownLatch letGo = new CountDownLatch(1);
    private ServerSocketChannel listener;
    private LoopServing serving;

    @BeforeEach
    void start() throws IOException {
        MemoryStore memory = new MemoryStore(System::currentTimeMillis, 0);
        Store store = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sync")) {
                        if (changed.getAndSet(false)) {
                            syncs.incrementAndGet();
                            if (failing.get()) {
                                throw new StorageException("the disk is gone", null);
                            }
                            if (holdNextSync.getAndSet(false)) {
                                inSync.countDown();
                                letGo.await();
                            }
                        }
                        return null;
                    }
                    if (CHANGES.contains(method.getName())) {
                        changed.set(true);
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ServerConfig config = new ServerConfig(0, 0, InetAddress.getLoopbackAddress(), ServerConfig.Engine.LOG,
                Path.of("unused"), ServerConfig.Fsync.ALWAYS, 64L << 20, 2, 0, 1 << 20, 16, 64L << 20, Duration.ZERO,
                1, ServerConfig.Io.NIO, 0);
        assertEquals(true, Connections.syncsBeforeAnswering(config));
        ServerContext context = new ServerContext(store, System::currentTimeMillis, config, new ServerStats(0));
        serving = new LoopServing(new Connections(context, Map.of(Protocol.MEMCACHED, new MemcachedProtocolHandler())),
                config);
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws Exception {
        letGo.countDown(); // a test that failed while the loop was held does not hold up the shutdown
        serving.shutdown(Duration.ofSeconds(1));
        listener.close();
    }

    /** A client connected to the loop. */
    private Socket connect() throws IOException {
        Socket client = new Socket();
        client.connect(listener.getLocalAddress(), TIMEOUT_MILLIS);
        client.setSoTimeout(TIMEOUT_MILLIS);
        serving.accept(listener.accept(), Protocol.MEMCACHED);
        return client;
    }

    /** Everything the server sends until it closes the connection, or up to {@code end}. */
    private static String read(Socket client, String end) throws IOException {
        InputStream in = client.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int b; !got.toString(US_ASCII).endsWith(end) && (b = in.read()) >= 0; ) {
            got.write(b);
        }
        return got.toString(US_ASCII);
    }

    @Test
    void aSetIsAnsweredAfterItsSyncAndAGetSyncsNothing() throws IOException {
        try (Socket client = connect()) {
            client.getOutputStream().write("set k 0 0 1\r\nx\r\n".getBytes(US_ASCII));
            assertEquals("STORED\r\n", read(client, "\r\n"));
            assertEquals(1, syncs.get(), "synced before the answer left");
            client.getOutputStream().write("set a 0 0 1\r\n1\r\nset b 0 0 1\r\n2\r\nget k\r\n".getBytes(US_ASCII));
            assertEquals("STORED\r\nSTORED\r\nVALUE k 0 1\r\nx\r\nEND\r\n", read(client, "END\r\n"));
            assertEquals(2, syncs.get(), "one sync for the turn's two sets");
            client.getOutputStream().write("get a b\r\n".getBytes(US_ASCII));
            assertEquals("VALUE a 0 1\r\n1\r\nVALUE b 0 1\r\n2\r\nEND\r\n", read(client, "END\r\n"));
            assertEquals(2, syncs.get(), "a turn of reads syncs nothing");
        }
    }

    @Test
    void theSetsOfConnectionsReadyInOneTurnShareOneSync() throws Exception {
        try (Socket first = connect(); Socket second = connect(); Socket third = connect()) {
            for (Socket client : new Socket[] {first, second, third}) {
                client.getOutputStream().write("get nothing\r\n".getBytes(US_ASCII));
                assertEquals("END\r\n", read(client, "END\r\n")); // each is on the loop now
            }
            holdNextSync.set(true);
            first.getOutputStream().write("set a 0 0 1\r\n1\r\n".getBytes(US_ASCII));
            assertEquals(true, inSync.await(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "the loop reached the sync");
            // While the loop syncs, two more sets arrive: the next select finds both connections ready.
            second.getOutputStream().write("set b 0 0 1\r\n2\r\n".getBytes(US_ASCII));
            third.getOutputStream().write("set c 0 0 1\r\n3\r\n".getBytes(US_ASCII));
            letGo.countDown();
            for (Socket client : new Socket[] {first, second, third}) {
                assertEquals("STORED\r\n", read(client, "\r\n"));
            }
            assertEquals(2, syncs.get(), "one sync for the first set, one for the two of the next turn");
        }
    }

    @Test
    void aChangeNoAnswerWaitsForIsSyncedAtTheEndOfItsTurn() throws Exception {
        try (Socket client = connect()) {
            client.getOutputStream().write("set quiet 0 0 1 noreply\r\nx\r\n".getBytes(US_ASCII));
            long deadline = System.nanoTime() + Duration.ofMillis(TIMEOUT_MILLIS).toNanos();
            while (syncs.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, syncs.get(), "a noreply set is synced without waiting for a later answer");
        }
    }

    @Test
    void whenTheSyncFailsTheAnswerNeverLeavesAndReadsGoOn() throws IOException {
        failing.set(true);
        try (Socket client = connect()) {
            client.getOutputStream().write("set k 0 0 1\r\nx\r\n".getBytes(US_ASCII));
            assertEquals("", read(client, "\r\n"), "closed without its STORED");
        }
        assertEquals(1, syncs.get());
        try (Socket client = connect()) {
            client.getOutputStream().write("get k\r\n".getBytes(US_ASCII));
            assertEquals("VALUE k 0 1\r\nx\r\nEND\r\n", read(client, "END\r\n"),
                    "the change is in memory, unacknowledged; reads are answered");
        }
    }
}
