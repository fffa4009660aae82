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
 * A bare memcached responder on loopback ({@link BareReplies}), in one of three designs:
 * {@code threads}, a blocking virtual thread per connection, as speicherd first served; {@code
 * loop}, a few platform threads each with a selector over its share of the connections, serving
 * one ready connection after another as memcached's workers do; or {@code turn}, the same threads
 * in speicherd's turn of three passes (read every ready connection, then answer every one, then
 * write every one). Each reads into a 16 KB buffer, answers every complete request in it and
 * writes the answers in one call.
 *
 * <p>usage: {@code java -cp kv-bench.jar dev.speicherd.bench.ceiling.BareServer threads|loop|turn PORT [LOOPS]}
 */
public final class BareServer {

    static final int INPUT_BYTES = 16 * 1024;

    private BareServer() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || !List.of("threads", "loop", "turn").contains(args[0])) {
            System.err.println("usage: BareServer threads|loop|turn PORT [LOOPS (loop and turn only, default 2)]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        try (Closeable server = args[0].equals("threads")
                ? threads(port)
                : loop(port, args.length > 2 ? Integer.parseInt(args[2]) : 2, args[0].equals("turn"))) {
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

    /**
     * Starts the event-loop design on {@code port} (0 for any) with {@code loops} threads, each
     * serving its ready connections in three passes when {@code inPasses}, else one by one.
     */
    static BoundServer loop(int port, int loops, boolean inPasses) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        List<EventLoop> workers = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            EventLoop worker = new EventLoop(Selector.open(), inPasses);
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
        private final boolean inPasses;
        private final Queue<SocketChannel> adopted = new ConcurrentLinkedQueue<>();
        private final List<SelectionKey> ready = new ArrayList<>();

        EventLoop(Selector selector, boolean inPasses) {
            this.selector = selector;
            this.inPasses = inPasses;
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
                    if (inPasses) {
                        turn();
                    } else {
                        serveEach();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Reads, answers and writes one ready connection after another. */
        private void serveEach() {
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                ((Connection) key.attachment()).serve(key);
            }
        }

        /** Reads every ready connection, then answers every one, then writes every one. */
        private void turn() {
            ready.addAll(selector.selectedKeys());
            selector.selectedKeys().clear();
            for (SelectionKey key : ready) {
                ((Connection) key.attachment()).read(key);
            }
            for (SelectionKey key : ready) {
                ((Connection) key.attachment()).answer();
            }
            for (SelectionKey key : ready) {
                ((Connection) key.attachment()).write(key);
            }
            ready.clear();
        }
    }

    /** A loop's connection: its buffers and what is left of its input. */
    private static final class Connection {
        private final ByteBuffer input = ByteBuffer.allocate(INPUT_BYTES);
        private final byte[] output = new byte[INPUT_BYTES * BareReplies.MAX_REPLY_FACTOR];
        private final BareReplies replies = new BareReplies(output);
        /** In the three passes: the answers' bytes between {@link #answer} and {@link #write}. */
        private int answered;

        void serve(SelectionKey key) {
            read(key);
            answer();
            write(key);
        }

        /** Reads what came; closes at the end of stream. */
        void read(SelectionKey key) {
            try {
                if (((SocketChannel) key.channel()).read(input) < 0) {
                    close(key);
                }
            } catch (IOException e) {
                close(key);
            }
        }

        /** Answers every complete request read, keeping the rest for the next read. */
        void answer() {
            int start = replies.answer(input.array(), 0, input.position());
            answered = replies.drain();
            input.position(compact(input.array(), start, input.position()));
        }

        /** Writes the answers. */
        void write(SelectionKey key) {
            if (answered == 0 || !key.isValid()) {
                return;
            }
            ByteBuffer reply = ByteBuffer.wrap(output, 0, answered);
            answered = 0;
            try {
                while (reply.hasRemaining()) {
                    ((SocketChannel) key.channel()).write(reply); // small answers to a client that reads
                }
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
