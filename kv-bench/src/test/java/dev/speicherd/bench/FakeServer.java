package dev.speicherd.bench;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.codec.memcached.MemcachedCommand;
import dev.speicherd.codec.memcached.MemcachedTextReader;
import dev.speicherd.codec.memcached.MemcachedTextWriter;
import dev.speicherd.codec.memcached.MemcachedWords;
import dev.speicherd.codec.speicher.SpeicherCommand;
import dev.speicherd.codec.speicher.SpeicherFrameReader;
import dev.speicherd.codec.speicher.SpeicherFrameWriter;
import dev.speicherd.codec.speicher.SpeicherResponse;
import dev.speicherd.codec.speicher.SpeicherValues;
import dev.speicherd.storage.MemoryStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A small server for the load generator's tests, built from speicherd's own codec and store,
 * that can be told to misbehave the ways the load generator must catch.
 */
final class FakeServer implements AutoCloseable {

    enum Fault {
        NONE,
        /** Keys ending in 7 read as missing. */
        MISS,
        /** Keys ending in 3 read back another key's value. */
        WRONG_VALUE,
        /** Every 500th request on a connection gets no answer: the connection is closed. */
        HANG_UP,
        /** Replies leave in pieces of {@link #TRICKLE_BYTES} bytes, a little apart. */
        TRICKLE
    }

    /** How many bytes of a reply leave at a time under {@link Fault#TRICKLE}. */
    static final int TRICKLE_BYTES = 7;

    private final ProtocolConnection.Protocol protocol;
    private final Fault fault;
    private final ServerSocket listener;
    private final MemoryStore store = new MemoryStore(Clock.system(), 0);
    private final Thread acceptor;
    final AtomicLong requests = new AtomicLong();

    FakeServer(ProtocolConnection.Protocol protocol, Fault fault) throws IOException {
        this.protocol = protocol;
        this.fault = fault;
        this.listener = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            BufferedInputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream socketOut = s.getOutputStream();
            BufferedOutputStream out = new BufferedOutputStream(fault == Fault.TRICKLE ? new Trickle(socketOut) : socketOut);
            if (protocol == ProtocolConnection.Protocol.MEMCACHED) {
                serveMemcached(in, out);
            } else {
                serveSpeicher(in, out);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void serveMemcached(BufferedInputStream in, BufferedOutputStream out) throws IOException {
        MemcachedTextReader reader = new MemcachedTextReader(in, 1024 * 1024);
        MemcachedTextWriter writer = new MemcachedTextWriter(out);
        int served = 0;
        MemcachedCommand command;
        while ((command = reader.read()) != null) {
            if (fault == Fault.HANG_UP && ++served % 500 == 0) {
                return;
            }
            requests.incrementAndGet();
            switch (command) {
                case MemcachedCommand.Get get -> {
                    for (byte[] key : get.keys()) {
                        if (lookup(key) instanceof Lookup.Hit hit) {
                            writer.value(key, hit.item().flags(), hit.item().value(), false, 0);
                        }
                    }
                    writer.write(MemcachedWords.END);
                }
                case MemcachedCommand.Store set -> {
                    store.set(set.key(), set.value(), set.flags(), Item.NEVER);
                    writer.write(MemcachedWords.STORED);
                }
                default -> writer.write(MemcachedWords.ERROR);
            }
            if (reader.unread() == 0) {
                writer.flush();
            }
        }
    }

    private void serveSpeicher(BufferedInputStream in, BufferedOutputStream out) throws IOException {
        SpeicherFrameReader reader = new SpeicherFrameReader(in, 1024 * 1024);
        SpeicherFrameWriter writer = new SpeicherFrameWriter(out);
        int served = 0;
        SpeicherCommand command;
        while ((command = reader.read()) != null) {
            if (fault == Fault.HANG_UP && ++served % 500 == 0) {
                return;
            }
            requests.incrementAndGet();
            SpeicherResponse response = switch (command) {
                case SpeicherCommand.Get get -> lookup(get.key()) instanceof Lookup.Hit hit
                        ? new SpeicherResponse.Found(SpeicherValues.toJson(hit.item().value()))
                        : SpeicherResponse.NOT_FOUND;
                case SpeicherCommand.Set set -> {
                    store.set(set.key(), set.valueJson(), 0, Item.NEVER);
                    yield SpeicherResponse.OK;
                }
                default -> new SpeicherResponse.BadRequest("not in this test");
            };
            writer.write(response);
            if (in.available() == 0) {
                writer.flush();
            }
        }
    }

    /** Writes in pieces of {@link #TRICKLE_BYTES}, each its own segment (the socket has no delay). */
    private static final class Trickle extends FilterOutputStream {
        Trickle(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int at = off; at < off + len; at += TRICKLE_BYTES) {
                out.write(b, at, Math.min(TRICKLE_BYTES, off + len - at));
                out.flush();
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /** The store's answer, or the fault's. */
    private Lookup lookup(byte[] key) {
        char last = (char) key[key.length - 1];
        if (fault == Fault.MISS && last == '7') {
            return Lookup.MISS;
        }
        if (fault == Fault.WRONG_VALUE && last == '3') {
            byte[] other = key.clone();
            other[other.length - 1] = '4';
            return store.get(other);
        }
        return store.get(key);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        store.close();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
