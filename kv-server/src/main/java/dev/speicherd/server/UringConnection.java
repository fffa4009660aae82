package dev.speicherd.server;

import static java.lang.System.Logger.Level.DEBUG;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;

/**
 * One connection on an io_uring loop ({@link UringLoop}): the same {@link Exchange} as on a NIO
 * loop, fed by netty's reads and sent through netty's writes, and the same life: open, closing
 * once the session ended, lingering after our end of stream, closed.
 *
 * <p>Netty reads into buffers of its own, so the bytes a read brought are copied into the
 * connection's input at once; what the input has no room for yet (its buffer full of requests not
 * yet answered, or waiting for {@link ClientMemory}) is held, and the connection asks for no more
 * reads until the input took it. It reads only when it takes input ({@code AUTO_READ} is off),
 * just as a NIO connection only asks its selector for reads then.
 *
 * <p>Answers go from the connection's output to netty as they leave on a NIO loop: as much as
 * the socket "takes", here up to {@link #QUEUED_BYTES} queued in netty and not yet written to the
 * kernel; the rest waits in the output, under its high-water mark and its share of client memory,
 * until netty's queue drains.
 *
 * <p><b>Large answers when client memory is short.</b> On a NIO loop, an answer that the output
 * has no memory to hold is written to the socket as it is made, and the kernel's buffers take it
 * while the client reads. Here nothing reaches the kernel before the turn is over, so such an
 * answer is queued in netty instead, up to one answer ({@code --max-item-size} and the frame
 * around it) a connection, within a budget of {@code --client-memory} for all connections
 * together, given back as the kernel takes the bytes. And since a turn makes all its answers
 * before any leaves, a connection does not begin answering while neither its output nor that
 * budget has room for the largest answer: it waits, as a request waiting for input memory does,
 * for at most {@link #ANSWER_MEMORY_WAIT}, then answers anyway. As on a NIO loop, an answer that
 * neither fits nor can be queued fails its connection: one whose client does not read.
 *
 * <p>Used by its loop's thread only.
 */
final class UringConnection extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(UringConnection.class.getName());

    /**
     * Answer bytes a connection may have queued in netty's direct buffers, on their way to the
     * kernel: a batch of answers leaves in one write, and a client that does not read holds at
     * most this much outside {@code --client-memory}.
     */
    static final int QUEUED_BYTES = 64 * 1024;
    /**
     * How long a connection waits for client memory before it answers anyway. Long enough for
     * the memory that clients which read hold to come back: a thousand clients fetching 1 MiB each
     * at once were all served within it, in waves.
     */
    static final Duration ANSWER_MEMORY_WAIT = Duration.ofSeconds(5);

    private enum State {
        /** Taking requests. */
        OPEN,
        /** The session ended: handing netty what it owes. */
        CLOSING,
        /** All it owes is with netty: waiting for it to reach the kernel, then lingering or closing. */
        FINISHING,
        /** Our end of stream is sent: reading and dropping what the client still sends. */
        LINGERING,
        CLOSED
    }

    private final UringLoop loop;
    private final Connections connections;
    private final Exchange exchange;
    private final LoopInput in;
    private final LoopOutput out;
    private ChannelHandlerContext context;
    /** Bytes read that the input had no room for yet. */
    private ByteBuf held;
    /** The client's end of stream came; the input ends once it took what is held. */
    private boolean inputShutdown;
    /** Queued for the loop's next turn. */
    private boolean queued;
    /** Answers were handed to netty since the last flush. */
    private boolean wrote;
    /** Answer bytes queued in netty past {@link #QUEUED_BYTES}, charged to the loops' overflow budget. */
    private long overflowed;
    /** Of the overflow budget, what is held for the answers being made, see {@link #memoryForAnswer}. */
    private long reserved;
    /** On the loop's list of connections waiting for client memory. */
    private boolean waitListed;
    /** Waiting for client memory before answering, since {@link #answerWaitSince}. */
    private boolean answerWaits;
    private long answerWaitSince;
    private State state = State.OPEN;
    private final Liveness liveness;

    /** What {@link LoopInput#receive} reads: the bytes held. */
    private final ReadableByteChannel source = new ReadableByteChannel() {
        @Override
        public int read(ByteBuffer dst) {
            int n = Math.min(dst.remaining(), held.readableBytes());
            held.readBytes(dst.slice(dst.position(), n));
            dst.position(dst.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // the connection releases what is held
        }
    };

    /** Where {@link LoopOutput#send} writes: netty's queue, up to {@link #QUEUED_BYTES}. */
    private final WritableByteChannel sink = new WritableByteChannel() {
        @Override
        public int write(ByteBuffer src) {
            int n = (int) Math.min(src.remaining(), context.channel().bytesBeforeUnwritable());
            if (n <= 0) {
                return 0; // netty's queue is full: the rest waits for channelWritabilityChanged
            }
            context.write(copy(src, n), context.voidPromise());
            wrote = true;
            return n;
        }

        @Override
        public boolean isOpen() {
            return context.channel().isOpen();
        }

        @Override
        public void close() {
            // the connection closes its channel
        }
    };

    /**
     * Where an answer that the output has no memory to hold goes as it is made: netty's queue,
     * up to {@link #QUEUED_BYTES} as always, then up to one answer more within the loops'
     * overflow budget, given back as the kernel takes the bytes.
     */
    private final WritableByteChannel overflow = new WritableByteChannel() {
        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = sink.write(src);
            int more = (int) Math.min(src.remaining(), loop.largestAnswer() - overflowed);
            if (more <= 0) {
                return n;
            }
            long fromReserve = Math.min(reserved, more);
            if (more > fromReserve && !loop.overflow().tryTake(more - fromReserve, false)) {
                return n;
            }
            reserved -= fromReserve;
            overflowed += more;
            context.write(copy(src, more)).addListener(written -> {
                overflowed -= more;
                loop.overflow().give(more);
            });
            wrote = true;
            return n + more;
        }

        @Override
        public boolean isOpen() {
            return sink.isOpen();
        }

        @Override
        public void close() {
            // the connection closes its channel
        }
    };

    UringConnection(UringLoop loop, Connections connections, Protocol portProtocol, Channel channel) {
        this.loop = loop;
        this.connections = connections;
        this.exchange = new Exchange(connections, portProtocol, String.valueOf(channel.remoteAddress()),
                new LoopOutput(connections.clientMemory(), sink, overflow));
        this.in = exchange.in();
        this.out = exchange.out();
        this.liveness = new Liveness(loop.now());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        loop.opened(this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ByteBuf bytes = (ByteBuf) message;
        liveness.active(loop.now()); // the loop's turn or tick, at most 250 ms ago
        if (state == State.LINGERING) {
            int n = bytes.readableBytes();
            bytes.release();
            if (liveness.droppedEnough(n)) {
                close();
            } else {
                ctx.read();
            }
            return;
        }
        if (state != State.OPEN) {
            bytes.release();
            return;
        }
        held = held == null ? bytes : Unpooled.wrappedBuffer(held, bytes);
        try {
            take();
        } catch (IOException | RuntimeException | Error e) {
            failed(e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.OPEN) {
            loop.ready(this);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event != ChannelInputShutdownEvent.INSTANCE) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        inputShutdown = true;
        if (state == State.LINGERING) {
            close();
            return;
        }
        if (held == null) {
            in.end();
        }
        loop.ready(this);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            loop.ready(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state != State.CLOSED) { // not the writes netty fails as the channel closes
            failed(cause);
        }
    }

    /** The connection's requests and answers, for the loop to warm their lookups up. */
    Exchange exchange() {
        return exchange;
    }

    /** Marks the connection queued for the next turn; false when it already is. */
    boolean queue() {
        if (queued) {
            return false;
        }
        queued = true;
        return true;
    }

    /** A turn's second step: answers the whole requests buffered, into the output. */
    void answer() {
        if (state != State.OPEN) {
            return;
        }
        try {
            answerBuffered();
        } catch (IOException | RuntimeException | Error e) {
            failed(e);
        }
    }

    /**
     * A turn's last step: hands the answers to netty, answers on while netty takes them and whole
     * requests are buffered, flushes, and reads again when the connection takes input.
     */
    void send() {
        queued = false;
        if (state != State.OPEN && state != State.CLOSING) {
            return;
        }
        try {
            while (true) {
                if (out.send() > 0) {
                    liveness.active(loop.now());
                }
                if (state != State.OPEN) {
                    break;
                }
                take(); // answering may have made room for bytes held
                if (!exchange.answering() || !answerBuffered()) {
                    break;
                }
            }
            if (wrote) {
                wrote = false;
                context.flush();
            }
            if (state == State.CLOSING && out.pending() == 0) {
                finish();
            } else if (takingInput()) {
                context.read();
            }
        } catch (IOException | RuntimeException | Error e) {
            failed(e);
        }
    }

    /**
     * Takes no more input, as at shutdown: the requests already here are answered, then the
     * connection closes.
     */
    void endInput() {
        if (state != State.OPEN) {
            return;
        }
        drop();
        inputShutdown = true;
        in.end();
        answer();
        send();
    }

    /** Closes the connection if it has been idle too long or has lingered long enough. */
    void tick(long now, long idleNanos) {
        if (liveness.over(now, idleNanos, state == State.LINGERING, exchange.peer())) {
            close();
        }
    }

    /**
     * For a connection that waits for {@link ClientMemory}: tries again to grow its input for the
     * request that waits, and once it could, or when it waits to answer, takes a turn (which
     * looks again whether it may answer). True when it is off the waiting list.
     */
    boolean resume() {
        if (state != State.OPEN) {
            waitListed = false;
            return true;
        }
        if (in.starved() && !in.resume()) {
            return false;
        }
        waitListed = false;
        loop.ready(this);
        return true;
    }

    /** Closes the channel and gives back the connection's permit and memory; later calls do nothing. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        drop();
        unreserve();
        exchange.close();
        loop.closed(this);
        connections.release();
        context.close();
        LOG.log(DEBUG, "closed {0}", exchange.peer());
    }

    /** Moves what is held into the input, as far as it has room; ends the input once all is in. */
    private void take() throws IOException {
        if (held == null || in.starved()) {
            return;
        }
        while (held.isReadable() && in.receive(source) > 0) {
            // the input grows for a request that does not fit, while client memory lasts
        }
        if (!held.isReadable()) {
            drop();
            if (inputShutdown) {
                in.end();
            }
        } else if (in.starved()) {
            connections.context().stats().clientMemoryWaits.increment();
            waitForMemory(); // reads nothing until its request has the memory to grow
        }
    }

    /** The next {@code n} bytes of {@code src}, taken, in a buffer of netty's. */
    private ByteBuf copy(ByteBuffer src, int n) {
        ByteBuf bytes = context.alloc().directBuffer(n);
        bytes.writeBytes(src.slice(src.position(), n));
        src.position(src.position() + n);
        return bytes;
    }

    /**
     * Whether the connection may begin answering: there is room for the largest answer in client
     * memory, even were every loop to make one at once; or else in the overflow budget, which is
     * then held for it ({@link #reserved}); or it has waited {@link #ANSWER_MEMORY_WAIT} for that.
     * If not, it is tried again in a few ms.
     */
    private boolean memoryForAnswer() {
        long largest = loop.largestAnswer();
        boolean room = connections.clientMemory().couldTake(largest * loop.loops(), false);
        if (!room && loop.overflow().tryTake(largest, false)) {
            reserved = largest;
            room = true;
        }
        if (room) {
            answerWaits = false;
            return true;
        }
        if (!answerWaits) {
            answerWaits = true;
            answerWaitSince = loop.now();
            connections.context().stats().clientMemoryWaits.increment();
        } else if (loop.now() - answerWaitSince >= ANSWER_MEMORY_WAIT.toNanos()) {
            answerWaits = false;
            return true; // answers; one that neither fits nor can be queued fails the connection
        }
        waitForMemory();
        return false;
    }

    /** Gives back what is left of {@link #reserved}, once the answers are made. */
    private void unreserve() {
        if (reserved > 0) {
            loop.overflow().give(reserved);
            reserved = 0;
        }
    }

    private void waitForMemory() {
        if (!waitListed) {
            waitListed = true;
            loop.waits(this);
        }
    }

    private void drop() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    private boolean takingInput() {
        return state == State.OPEN && held == null && !inputShutdown && exchange.takingInput();
    }

    private void failed(Throwable e) {
        exchange.failed(e);
        close();
    }

    /**
     * Answers the requests buffered, when there is memory for their answers; closes when the
     * client ended without a byte.
     *
     * @return false when the answers wait for memory
     */
    private boolean answerBuffered() throws IOException {
        if (exchange.answering() && !memoryForAnswer()) {
            return false;
        }
        boolean open;
        try {
            open = exchange.answer();
        } finally {
            unreserve();
        }
        if (!open) {
            close();
        } else if (exchange.over()) {
            state = State.CLOSING;
        }
        return true;
    }

    /**
     * Closes after the session ended, once what it owes has reached the kernel. Unless the client
     * has ended its stream, our end of stream goes first and what the client still sends is read
     * and dropped, for at most {@link Connections#LINGER} and {@link Connections#LINGER_MAX_BYTES}:
     * closing a socket with input unread makes the kernel send a reset, which can destroy the last
     * answer before the client reads it, and unlike a NIO loop this one cannot look whether input
     * waits without reading it.
     */
    private void finish() {
        state = State.FINISHING;
        context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(this::sent);
    }

    private void sent(Future<? super Void> written) {
        if (state != State.FINISHING) {
            return; // closed meanwhile
        }
        if (!written.isSuccess() || inputShutdown) {
            close();
            return;
        }
        drop();
        ((DuplexChannel) context.channel()).shutdownOutput();
        state = State.LINGERING;
        liveness.lingerFrom(System.nanoTime());
        context.read();
    }
}
