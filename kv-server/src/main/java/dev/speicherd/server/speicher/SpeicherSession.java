package dev.speicherd.server.speicher;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.TRACE;

import dev.speicherd.codec.ProtocolException;
import dev.speicherd.codec.speicher.SpeicherCommand;
import dev.speicherd.codec.speicher.SpeicherFrameReader;
import dev.speicherd.codec.speicher.SpeicherFrameWriter;
import dev.speicherd.codec.speicher.SpeicherResponse;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.SessionOutput;
import dev.speicherd.server.ConnectionStats;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** One speicher connection: its reader, its writer and its counters. */
final class SpeicherSession {

    private static final System.Logger LOG = System.getLogger(SpeicherSession.class.getName());

    /** Output buffer per connection: room for a pipelined batch of small answers. */
    static final int OUTPUT_BUFFER_BYTES = 16 * 1024;

    private final BufferedInputStream in;
    private final SpeicherFrameReader reader;
    private final SpeicherFrameWriter writer;
    private final ServerContext context;
    private final SessionOutput output;
    private final ConnectionStats stats;
    /** Read once per connection: with {@code -vv} every request is logged. */
    private final boolean trace = LOG.isLoggable(TRACE);

    SpeicherSession(BufferedInputStream in, OutputStream out, ServerContext context) {
        this.in = in;
        this.reader = new SpeicherFrameReader(in, context.config().maxFrameBytes());
        this.writer = new SpeicherFrameWriter(new BufferedOutputStream(out, OUTPUT_BUFFER_BYTES));
        this.context = context;
        this.output = new SessionOutput(context, writer::flush, reader::bytesRead, writer::bytesWritten);
        this.stats = output.stats();
    }

    /** Serves requests until the client hangs up (returns) or the stream breaks (returns or throws). */
    void run() throws IOException {
        try (output) {
            while (true) {
                SpeicherResponse response;
                try {
                    SpeicherCommand command = reader.read();
                    if (command == null) {
                        output.flush();
                        return;
                    }
                    if (trace) {
                        LOG.log(TRACE, "request {0}", command);
                    }
                    response = SpeicherDispatch.execute(command, context, stats);
                } catch (ProtocolException e) {
                    response = new SpeicherResponse.BadRequest(e.getMessage());
                    switch (e) {
                        case ProtocolException.MalformedRequest wrong ->
                                LOG.log(DEBUG, "bad request: {0}", wrong.getMessage());
                        case ProtocolException.BrokenStream broken -> {
                            LOG.log(DEBUG, "closing: {0}", broken.getMessage());
                            answer(response);
                            output.flush();
                            return;
                        }
                    }
                } catch (IOException e) {
                    // Cut off inside a frame, idle too long, or reset.
                    output.flushOwed(e);
                    throw e;
                }
                answer(response);
                if (in.available() == 0) {
                    output.flush();
                }
            }
        }
    }

    private void answer(SpeicherResponse response) throws IOException {
        stats.speicherRequests.increment();
        writer.write(response);
    }
}
