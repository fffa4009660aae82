package dev.speicherd.server.speicher;

import dev.speicherd.server.ProtocolHandler;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.Session;
import dev.speicherd.server.Transport;

/**
 * Serves the speicher protocol: reads a frame, carries it out against the store, writes the
 * answer, until the client hangs up or sends a length that cannot be followed.
 *
 * <p>A wrong request gets a 400 and the connection goes on; a negative or oversized length gets
 * a 400 and {@link #serve} returns, so the caller closes the connection; a store failure gets a
 * 503 and the connection goes on; a client that hangs up inside a frame ends in an {@link
 * java.io.EOFException}. Answers are flushed when no more input is waiting, so a pipelined batch
 * is answered in one batch of writes and a lone request at once.
 *
 * <p>Stateless and shared by every speicher connection; each connection's state lives in its
 * own {@link SpeicherSession}.
 */
public final class SpeicherProtocolHandler implements ProtocolHandler {

    /** Creates the handler. */
    public SpeicherProtocolHandler() {}

    @Override
    public Session open(Transport transport, ServerContext context) {
        return new SpeicherSession(transport, context);
    }
}
