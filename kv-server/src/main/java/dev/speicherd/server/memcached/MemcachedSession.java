package dev.speicherd.server.memcached;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.TRACE;

import dev.speicherd.api.StorageException;
import dev.speicherd.codec.ProtocolException;
import dev.speicherd.codec.memcached.MemcachedCommand;
import dev.speicherd.codec.memcached.MemcachedTextReader;
import dev.speicherd.codec.memcached.MemcachedTextWriter;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.SessionOutput;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** One memcached connection: its reader, its writer, and the loop between them. */
final class MemcachedSession {

    private static final System.Logger LOG = System.getLogger(MemcachedSession.class.getName());

    /** Output buffer per connection: room for a pipelined batch of small answers. */
    static final int OUTPUT_BUFFER_BYTES = 16 * 1024;

    private final MemcachedTextReader reader;
    private final MemcachedTextWriter writer;
    private final MemcachedDispatch dispatch;
    private final SessionOutput output;
    /** Read once per connection: with {@code -vv} every command is logged. */
    private final boolean trace = LOG.isLoggable(TRACE);

    MemcachedSession(BufferedInputStream in, OutputStream out, ServerContext context) {
        this.reader = new MemcachedTextReader(in, context.config().maxItemBytes());
        this.writer = new MemcachedTextWriter(new BufferedOutputStream(out, OUTPUT_BUFFER_BYTES));
        this.output = new SessionOutput(context, writer::flush, reader::bytesRead, writer::bytesWritten);
        this.dispatch = new MemcachedDispatch(context, output.stats(), writer);
    }

    /** Serves commands until the client hangs up or quits (returns) or the stream breaks. */
    void run() throws IOException {
        try (output) {
            while (true) {
                MemcachedCommand command;
                try {
                    command = reader.read();
                } catch (ProtocolException.MalformedRequest e) {
                    LOG.log(DEBUG, "bad request: {0}", e.getMessage());
                    writer.clientError(e.getMessage());
                    flushIfIdle();
                    continue;
                } catch (ProtocolException.BrokenStream e) {
                    LOG.log(DEBUG, "closing: {0}", e.getMessage());
                    writer.clientError(e.getMessage());
                    output.flush();
                    return;
                } catch (IOException e) {
                    // Cut off inside a data block, idle too long, or reset.
                    output.flushOwed(e);
                    throw e;
                }
                if (command == null || command instanceof MemcachedCommand.Quit) {
                    output.flush();
                    return;
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
            }
        }
    }

    private void flushIfIdle() throws IOException {
        // Only what this connection's reader holds counts: asking the socket costs a system call.
        if (!reader.hasBufferedInput()) {
            output.flush();
        }
    }
}
