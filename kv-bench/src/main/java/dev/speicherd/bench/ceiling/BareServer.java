package dev.speicherd.bench.ceiling;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A bare memcached responder on loopback ({@link BareReplies}), in one of two designs:
 * {@code threads}, a blocking virtual thread per connection, as speicherd first served; or {@code
 * loop}, a few platform threads each with a selector over its share of the connections, as
 * memcached's workers do. Both read into a 16 KB buffer, answer every complete request in it and
 * write the answers in one call.
 *
 * <p>usage: {@code java -cp kv-bench.jar dev.speicherd.bench.ceiling.BareServer threads|loop PORT [LOOPS]}
 */
public final class BareServer {

    static final int INPUT_BYTES = 16 * 1024;

    private BareServer() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || !(args[0].equals("threads") || args[0].equals("loop"))) {
            System.err.println("usage: BareServer threads|loop PORT [LOOPS (loop only, default 2)]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        try (Closeable server = args[0].equals("threads")
                ? threads(port)
                : loop(port, args.length > 2 ? Integer.parseInt(args[2]) : 2)) {
            System.err.println("bare " + args[0] + " server on 127.0.0.1:" + port);
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the virtual-thread design on {@code port} (0 for any); close to stop accepting. */
    static BoundServer threads(int port) throws IOException {
        ServerSocket listener = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("bare-accept").start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    Thread.ofVirtual().start(() -> serve(socket));
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
        return new BoundServer(listener.getLocalPort(), listener);
    }

    private static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] input = new byte[INPUT_BYTES];
            byte[] output = new byte[INPUT_BYTES * BareReplies.MAX_REPLY_FACTOR];
            BareReplies replies = new BareReplies(output);
            int start = 0;
            int end = 0;
            while (true) {
                int n = in.read(input, end, input.length - end);
                if (n < 0) {
                    return;
                }
                end += n;
                start = replies.answer(input, start, end);
                int reply = replies.drain();
                if (reply > 0) {
                    out.write(output, 0, reply);
                }
                end = compact(input, start, end);
                start = 0;
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Starts the event-loop design on {@code port} (0 for any) with {@code loops} threads. */
    static BoundServer loop(int port, int loops) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        List<EventLoop> workers = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            EventLoop worker = new EventLoop(Selector.open());
            workers.add(worker);
            Thread.ofPlatform().daemon().name("bare-loop-" + i).start(worker::run);
        }
        Thread.ofPlatform().daemon().name("bare-accept").start(() -> {
            for (int next = 0; listener.isOpen(); next = (next + 1) % loops) {
                try {
                    SocketChannel channel = listener.accept();
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.configureBlocking(false);
                    workers.get(next).adopt(channel);
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
        return new BoundServer(listener.socket().getLocalPort(), listener);
    }

    /** One selector thread and the connections it was given. */
    private static final class EventLoop {
        private final Selector selector;
        private final Queue<SocketChannel> adopted = new ConcurrentLinkedQueue<>();

        EventLoop(Selector selector) {
            this.selector = selector;
        }

        void adopt(SocketChannel channel) {
            adopted.add(channel);
            selector.wakeup();
        }

        void run() {
            try {
                while (true) {
                    selector.select();
                    for (SocketChannel c; (c = adopted.poll()) != null; ) {
                        c.register(selector, SelectionKey.OP_READ, new Connection());
                    }
                    Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                    while (ready.hasNext()) {
                        SelectionKey key = ready.next();
                        ready.remove();
                        ((Connection) key.attachment()).serve(key);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A loop's connection: its buffers and what is left of its input. */
    private static final class Connection {
        private final ByteBuffer input = ByteBuffer.allocate(INPUT_BYTES);
        private final byte[] output = new byte[INPUT_BYTES * BareReplies.MAX_REPLY_FACTOR];
        private final BareReplies replies = new BareReplies(output);

        void serve(SelectionKey key) {
            SocketChannel channel = (SocketChannel) key.channel();
            try {
                if (channel.read(input) < 0) {
                    close(key);
                    return;
                }
                int start = replies.answer(input.array(), 0, input.position());
                ByteBuffer reply = ByteBuffer.wrap(output, 0, replies.drain());
                while (reply.hasRemaining()) {
                    channel.write(reply); // small answers to a client that reads: no wait in practice
                }
                input.position(compact(input.array(), start, input.position()));
            } catch (IOException e) {
                close(key);
            }
        }

        private static void close(SelectionKey key) {
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** Moves {@code buffer[start, end)} to the front; returns its new end. */
    static int compact(byte[] buffer, int start, int end) {
        System.arraycopy(buffer, start, buffer, 0, end - start);
        return end - start;
    }

    /** A started server: its port, and the listener whose close stops it accepting. */
    record BoundServer(int port, Closeable listener) implements Closeable {
        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
