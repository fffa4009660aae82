package dev.speicherd.server.speicher;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.TRACE;

import dev.speicherd.codec.ProtocolException;
import dev.speicherd.codec.speicher.SpeicherCommand;
import dev.speicherd.codec.speicher.SpeicherFrameReader;
import dev.speicherd.codec.speicher.SpeicherFrameWriter;
import dev.speicherd.codec.speicher.SpeicherResponse;
import dev.speicherd.server.ConnectionStats;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.Session;
import dev.speicherd.server.SessionOutput;
import dev.speicherd.server.Transport;
import java.io.IOException;
import java.io.InputStream;

/** One speicher connection: its reader, its writer and its counters. */
final class SpeicherSession implements Session {

    private static final System.Logger LOG = System.getLogger(SpeicherSession.class.getName());

    private final InputStream in;
    private final SpeicherFrameReader reader;
    private final SpeicherFrameWriter writer;
    private final ServerContext context;
    private final SessionOutput output;
    private final ConnectionStats stats;
    /** Read once per connection: with {@code -vv} every request is logged. */
    private final boolean trace = LOG.isLoggable(TRACE);

    SpeicherSession(Transport transport, ServerContext context) {
        this.in = transport.in();
        this.reader = new SpeicherFrameReader(in, context.config().maxFrameBytes());
        this.writer = new SpeicherFrameWriter(transport.out());
        this.context = context;
        this.output = new SessionOutput(context, writer::flush, transport.bytesReceived(), writer::bytesWritten);
        this.stats = output.stats();
    }

    @Override
    public boolean serveOne() throws IOException {
        SpeicherResponse response;
        try {
            SpeicherCommand command = reader.read();
            if (command == null) {
                output.flush();
                return false;
            }
            if (trace) {
                LOG.log(TRACE, "request {0}", command);
            }
            response = SpeicherDispatch.execute(command, context, stats);
        } catch (ProtocolException e) {
            response = new SpeicherResponse.BadRequest(e.getMessage());
            switch (e) {
                case ProtocolException.MalformedRequest wrong -> LOG.log(DEBUG, "bad request: {0}", wrong.getMessage());
                case ProtocolException.BrokenStream broken -> {
                    LOG.log(DEBUG, "closing: {0}", broken.getMessage());
                    answer(response);
                    output.flush();
                    return false;
                }
            }
        } catch (IOException e) {
            // Cut off inside a frame, idle too long, reset, or (on an event loop) not all in.
            output.flushOwed(e);
            throw e;
        }
        answer(response);
        if (in.available() == 0) {
            output.flush();
        }
        return true;
    }

    /** The speicher reader keeps no bytes of its own: it reads a frame's exact length. */
    @Override
    public int unread() {
        return 0;
    }

    @Override
    public void forgetUnread() {
        // nothing of its own to forget
    }

    @Override
    public void close() {
        output.close();
    }

    private void answer(SpeicherResponse response) throws IOException {
        stats.speicherRequests.increment();
        writer.write(response);
    }
}
