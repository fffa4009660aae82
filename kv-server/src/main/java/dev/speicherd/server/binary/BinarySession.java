package dev.speicherd.server.binary;

import static java.lang.System.Logger.Level.DEBUG;

import dev.speicherd.api.StorageException;
import dev.speicherd.codec.KeySpan;
import dev.speicherd.codec.ProtocolException;
import dev.speicherd.codec.binary.BinaryCommand;
import dev.speicherd.codec.binary.BinaryStatus;
import dev.speicherd.codec.binary.MemcachedBinaryReader;
import dev.speicherd.codec.binary.MemcachedBinaryWriter;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.Session;
import dev.speicherd.server.SessionOutput;
import dev.speicherd.server.Transport;
import java.io.IOException;

/** One binary connection: its reader, its writer, and the step between them. */
final class BinarySession implements Session {

    private static final System.Logger LOG = System.getLogger(BinarySession.class.getName());

    private final MemcachedBinaryReader reader;
    private final MemcachedBinaryWriter writer;
    private final BinaryDispatch dispatch;
    private final SessionOutput output;

    BinarySession(Transport transport, ServerContext context) {
        this.reader = new MemcachedBinaryReader(transport.in(), context.config().maxItemBytes());
        this.writer = new MemcachedBinaryWriter(transport.out());
        this.output = new SessionOutput(context, writer::flush, transport.bytesReceived(), writer::bytesWritten);
        this.dispatch = new BinaryDispatch(context, output.stats(), writer);
    }

    @Override
    public boolean serveOne() throws IOException {
        BinaryCommand command;
        try {
            command = reader.read();
        } catch (ProtocolException e) {
            // A bad magic byte: memcached closes without a word, after what it owes.
            LOG.log(DEBUG, "closing: {0}", e.getMessage());
            output.flush();
            return false;
        } catch (IOException e) {
            // Cut off inside a request, idle too long, reset, or (on an event loop) not all in.
            output.flushOwed(e);
            throw e;
        }
        if (command == null) {
            output.flush();
            return false;
        }
        if (command instanceof BinaryCommand.Stat) {
            output.count(); // so that the report includes this connection's traffic so far
        }
        try {
            dispatch.execute(command);
        } catch (StorageException e) {
            LOG.log(DEBUG, "store failed", e);
            if (e.getMessage() == null) {
                writer.error(command.to(), BinaryStatus.INTERNAL_ERROR);
            } else {
                writer.error(command.to(), BinaryStatus.INTERNAL_ERROR, e.getMessage());
            }
        }
        if (command instanceof BinaryCommand.Quit || command instanceof BinaryCommand.Malformed) {
            LOG.log(DEBUG, "closing after {0}", command);
            output.flush();
            return false;
        }
        // Only what this connection's reader holds counts: asking the socket costs a system call.
        if (reader.unread() == 0) {
            output.flush();
        }
        return true;
    }

    @Override
    public long keyOfNext(byte[] bytes, int from, int to) {
        return reader.unread() == 0 ? MemcachedBinaryReader.keyOfNext(bytes, from, to) : KeySpan.NONE;
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
}
