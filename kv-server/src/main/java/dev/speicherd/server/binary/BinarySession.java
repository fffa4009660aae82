package dev.speicherd.server.binary;

import static java.lang.System.Logger.Level.DEBUG;

import dev.speicherd.api.StorageException;
import dev.speicherd.codec.ProtocolException;
import dev.speicherd.codec.binary.BinaryCommand;
import dev.speicherd.codec.binary.BinaryStatus;
import dev.speicherd.codec.binary.MemcachedBinaryReader;
import dev.speicherd.codec.binary.MemcachedBinaryWriter;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.SessionOutput;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** One binary connection: its reader, its writer, and the loop between them. */
final class BinarySession {

    private static final System.Logger LOG = System.getLogger(BinarySession.class.getName());

    /** Output buffer per connection: room for a pipelined batch of small answers. */
    static final int OUTPUT_BUFFER_BYTES = 16 * 1024;

    private final MemcachedBinaryReader reader;
    private final MemcachedBinaryWriter writer;
    private final BinaryDispatch dispatch;
    private final SessionOutput output;

    BinarySession(BufferedInputStream in, OutputStream out, ServerContext context) {
        this.reader = new MemcachedBinaryReader(in, context.config().maxItemBytes());
        this.writer = new MemcachedBinaryWriter(new BufferedOutputStream(out, OUTPUT_BUFFER_BYTES));
        this.output = new SessionOutput(context, writer::flush, reader::bytesRead, writer::bytesWritten);
        this.dispatch = new BinaryDispatch(context, output.stats(), writer);
    }

    /** Serves requests until the client hangs up or quits, or a request ends the connection. */
    void run() throws IOException {
        try (output) {
            while (true) {
                BinaryCommand command;
                try {
                    command = reader.read();
                } catch (ProtocolException e) {
                    // A bad magic byte: memcached closes without a word, after what it owes.
                    LOG.log(DEBUG, "closing: {0}", e.getMessage());
                    output.flush();
                    return;
                } catch (IOException e) {
                    // Cut off inside a request, idle too long, or reset.
                    output.flushOwed(e);
                    throw e;
                }
                if (command == null) {
                    output.flush();
                    return;
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
                    return;
                }
                // Only what this connection's reader holds counts: asking the socket costs a
                // system call.
                if (!reader.hasBufferedInput()) {
                    output.flush();
                }
            }
        }
    }
}
