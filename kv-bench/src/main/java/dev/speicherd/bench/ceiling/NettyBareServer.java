package dev.speicherd.bench.ceiling;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Store;
import dev.speicherd.storage.MemoryStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The bare memcached responder ({@link BareReplies}) on one of netty's native transports, which
 * call the kernel through JNI rather than through the JDK's NIO: {@code epoll} (edge-triggered)
 * or {@code io_uring}. As {@link BareServer}'s loop design: a few event-loop threads, each owning
 * its share of the connections, every complete request in a read answered, the answers flushed
 * once the read is done. It answers whether leaving the JDK's NIO would raise the ceiling of
 * speicherd's design on this machine (bench/ceiling.sh). With {@code store}, gets and sets go
 * through a {@link MemoryStore}, one request at a time: what the transport leaves once a real
 * store's work is added, short of speicherd's codecs and connection handling.
 *
 * <p>usage: {@code java -cp kv-bench.jar dev.speicherd.bench.ceiling.NettyBareServer epoll|io_uring PORT [LOOPS] [store]}
 */
public final class NettyBareServer {

    /** The memory limit of the store that {@code store} gives gets and sets: speicherd's under bench/ceiling.sh. */
    static final long STORE_BYTES = 1024L << 20;

    private NettyBareServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("epoll") || args[0].equals("io_uring"))
                || args.length > 3 && !args[3].equals("store")) {
            System.err.println("usage: NettyBareServer epoll|io_uring PORT [LOOPS (default 2)] [store]");
            System.exit(2);
        }
        Store store = args.length > 3 ? new MemoryStore(Clock.system(), STORE_BYTES) : null;
        try (BareServer.BoundServer server = start(args[0], Integer.parseInt(args[1]),
                args.length > 2 ? Integer.parseInt(args[2]) : 2, store)) {
            System.err.println("bare netty " + args[0] + " server on 127.0.0.1:" + server.port());
            Thread.currentThread().join();
        }
    }

    /**
     * Whether the transport can run here: netty's native library loads, and for io_uring the
     * kernel allows it (containers often forbid it).
     */
    static boolean available(String transport) {
        return transport.equals("epoll") ? Epoll.isAvailable() : IoUring.isAvailable();
    }

    /** Starts the responder on {@code port} (0 for any); close to stop it and its threads. */
    static BareServer.BoundServer start(String transport, int port, int loops, Store store) throws InterruptedException {
        boolean epoll = transport.equals("epoll");
        if (epoll) {
            Epoll.ensureAvailability();
        } else {
            IoUring.ensureAvailability();
        }
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : IoUringIoHandler.newFactory();
        Class<? extends ServerChannel> listenerClass =
                epoll ? EpollServerSocketChannel.class : IoUringServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, io);
        Channel listener = new ServerBootstrap()
                .group(group)
                .channel(listenerClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new Connection(store));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .sync()
                .channel();
        int bound = ((InetSocketAddress) listener.localAddress()).getPort();
        return new BareServer.BoundServer(bound, () -> {
            listener.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        });
    }

    /** One connection: its buffers and what is left of its input, as in {@link BareServer}. */
    private static final class Connection extends ChannelInboundHandlerAdapter {
        private final byte[] input = new byte[BareServer.INPUT_BYTES];
        private final byte[] output = new byte[BareServer.INPUT_BYTES * BareReplies.MAX_REPLY_FACTOR];
        private final BareReplies replies;
        private int end;

        Connection(Store store) {
            replies = new BareReplies(output, store);
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            ByteBuf bytes = (ByteBuf) message;
            try {
                while (bytes.isReadable()) {
                    int n = Math.min(bytes.readableBytes(), input.length - end);
                    if (n == 0) {
                        context.close(); // a request over the input buffer: not the bare protocol
                        return;
                    }
                    bytes.readBytes(input, end, n);
                    end += n;
                    end = BareServer.compact(input, replies.answer(input, 0, end), end);
                    int reply = replies.drain();
                    if (reply > 0) {
                        context.write(context.alloc().directBuffer(reply).writeBytes(output, 0, reply),
                                context.voidPromise());
                    }
                }
            } finally {
                bytes.release();
            }
        }

        /** The read is done: the answers it produced leave in one write. */
        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            context.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close(); // the client went away
        }
    }
}
