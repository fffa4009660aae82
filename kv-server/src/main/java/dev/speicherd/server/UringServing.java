package dev.speicherd.server;

import static java.lang.System.Logger.Level.TRACE;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs connections on {@code --io-threads} io_uring event loops (netty's JNI binding), which
 * accept on the ports too.
 *
 * <p>Why: with the JDK's selector every read and every write is a system call of its own, about
 * two per request under memaslap, as memcached makes; io_uring hands the kernel all of a turn's
 * reads and writes in one call, 0.65 per request. Where a system call is dear (1.1 µs, and the TLB
 * emptied, on a host with page-table isolation and no PCIDs), that is what put speicherd ahead of
 * memcached; where calls are cheap, io_uring and NIO measured level (docs/performance-log.md).
 *
 * <p>The loops run the same {@link Exchange}s as the NIO loops, in the same three passes a turn
 * ({@link UringLoop}), with the same limits: the connection limit and its refusal, the
 * high-water mark, {@link ClientMemory}, idle timeouts, linger on close, and shutdown's grace.
 * Not under {@code fsync always}: its answers wait for the log's sync on the NIO loops only.
 */
final class UringServing implements Serving {

    private static final System.Logger LOG = System.getLogger(UringServing.class.getName());

    private final Connections connections;
    private final MultiThreadIoEventLoopGroup group;
    /** Each netty loop's turn, connections and timers; filled before any connection comes. */
    private final Map<EventExecutor, UringLoop> loops = new HashMap<>();

    /**
     * Starts the loops.
     *
     * @throws IOException when the kernel or the platform does not allow io_uring, saying why
     */
    UringServing(Connections connections, ServerConfig config) throws IOException {
        if (!available()) {
            throw new IOException("--io io_uring: not available here: " + unavailability());
        }
        this.connections = connections;
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(), threads(), IoUringIoHandler.newFactory());
        ClientMemory overflow = new ClientMemory(config.clientMemoryBytes());
        for (EventExecutor executor : group) {
            loops.put(executor, new UringLoop(executor, connections, overflow));
        }
    }

    /** Whether netty's io_uring binding loads and the kernel lets this process use io_uring. */
    static boolean available() {
        return IoUring.isAvailable();
    }

    /** Why io_uring is not {@link #available}, in a line. */
    static String unavailability() {
        Throwable cause = IoUring.unavailabilityCause();
        return cause == null ? "no cause given" : cause.toString();
    }

    @Override
    public Port listen(Protocol protocol, InetAddress address, int port) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(IoUringServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, Listener.BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false) // a connection reads when it takes input
                // answers still leave after the client's end of stream
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(UringConnection.QUEUED_BYTES / 2, UringConnection.QUEUED_BYTES))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        accept(channel, protocol);
                    }
                });
        Channel bound;
        try {
            bound = bootstrap.bind(new InetSocketAddress(address, port)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Serving.cannotListen(protocol, address, port, e);
        } catch (Exception e) { // netty rethrows the bind's own exception, checked or not
            throw Serving.cannotListen(protocol, address, port, e);
        }
        return new UringPort(bound);
    }

    @Override
    public String describe() {
        return "io_uring";
    }

    /** On the connection's loop, just registered: serves it, or refuses it when every permit is taken. */
    private void accept(Channel channel, Protocol portProtocol) {
        if (!connections.admit(channel.remoteAddress())) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(Refusals.tooManyConnections(portProtocol)))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        UringLoop loop = loops.get(channel.eventLoop());
        channel.pipeline().addLast(new UringConnection(loop, connections, portProtocol, channel));
    }

    @Override
    public boolean shutdown(Duration grace) throws InterruptedException {
        loops.values().forEach(UringLoop::endInput);
        boolean clean = Serving.awaitDrained(grace,
                () -> loops.values().stream().allMatch(loop -> loop.connections() == 0));
        // Closes what is left: each closing connection gives its permit and memory back.
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await();
        return clean;
    }

    /** The loops' threads: {@link TurnClock.LoopThread}s, so that requests read the time their turn began. */
    private static ThreadFactory threads() {
        AtomicInteger index = new AtomicInteger();
        return task -> new TurnClock.LoopThread(task, "speicherd-io-" + index.getAndIncrement());
    }

    /** A port the io_uring loops accept on. */
    private record UringPort(Channel channel) implements Port {

        @Override
        public InetSocketAddress address() {
            return (InetSocketAddress) channel.localAddress();
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close().sync();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(TRACE, "closing a port failed", e);
            }
        }
    }
}
