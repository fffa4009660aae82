package dev.speicherd.server.memcached;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.TRACE;

import dev.speicherd.api.StorageException;
import dev.speicherd.codec.KeySpan;
import dev.speicherd.codec.ProtocolException;
import dev.speicherd.codec.memcached.MemcachedCommand;
import dev.speicherd.codec.memcached.MemcachedTextReader;
import dev.speicherd.codec.memcached.MemcachedTextWriter;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.Session;
import dev.speicherd.server.SessionOutput;
import dev.speicherd.server.Transport;
import java.io.IOException;

/** One memcached connection: its reader, its writer, and the step between them. */
final class MemcachedSession implements Session {

    private static final System.Logger LOG = System.getLogger(MemcachedSession.class.getName());

    private final MemcachedTextReader reader;
    private final MemcachedTextWriter writer;
    private final MemcachedDispatch dispatch;
    private final SessionOutput output;
    /** Read once per connection: with {@code -vv} every command is logged. */
    private final boolean trace = LOG.isLoggable(TRACE);

    MemcachedSession(Transport transport, ServerContext context) {
        this.reader = new MemcachedTextReader(transport.in(), context.config().maxItemBytes());
        this.writer = new MemcachedTextWriter(transport.out());
        this.output = new SessionOutput(context, writer::flush, transport.bytesReceived(), writer::bytesWritten);
        this.dispatch = new MemcachedDispatch(context, output.stats(), writer);
    }

    @Override
    public boolean serveOne() throws IOException {
        MemcachedCommand command;
        try {
            command = reader.read();
        } catch (ProtocolException.MalformedRequest e) {
            LOG.log(DEBUG, "bad request: {0}", e.getMessage());
            writer.clientError(e.getMessage());
            flushIfIdle();
            return true;
        } catch (ProtocolException.BrokenStream e) {
            LOG.log(DEBUG, "closing: {0}", e.getMessage());
            writer.clientError(e.getMessage());
            output.flush();
            return false;
        } catch (IOException e) {
            // Cut off inside a data block, idle too long, reset, or (on an event loop) not all in.
            output.flushOwed(e);
            throw e;
        }
        if (command == null || command instanceof MemcachedCommand.Quit) {
            output.flush();
            return false;
        }
        if (trace) {
            LOG.log(TRACE, "command {0}", command);
        }
        if (command instanceof MemcachedCommand.Stats) {
            output.count(); // so that the report includes this connection's traffic so far
        }
        try {
            dispatch.execute(command);
        } catch (StorageException e) {
            LOG.log(DEBUG, "store failed", e);
            writer.serverError(e.getMessage() == null ? "storage failed" : e.getMessage());
        }
        flushIfIdle();
        return true;
    }

    @Override
    public long keyOfNext(byte[] bytes, int from, int to) {
        return reader.unread() == 0 ? MemcachedTextReader.keyOfNext(bytes, from, to) : KeySpan.NONE;
    }

    @Override
    public int unread() {
        return reader.unread();
    }

    @Override
    public void forgetUnread() {
        reader.forgetUnread();
    }

    @Override
    public void close() {
        output.close();
    }

    private void flushIfIdle() throws IOException {
        // Only what this connection's reader holds counts: asking the socket costs a system call.
        if (reader.unread() == 0) {
            output.flush();
        }
    }
}
