package dev.speicherd.server.binary;

import dev.speicherd.server.ProtocolHandler;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.Session;
import dev.speicherd.server.Transport;

/**
 * Serves memcached's binary protocol against the shared store. A request whose sizes do not fit
 * its opcode gets an error and the connection closes, as in memcached; a bad magic byte closes
 * it without a word; {@code Quit} closes it. Answers are flushed when no more input is waiting,
 * so a pipeline of quiet requests is answered in few writes.
 *
 * <p>Stateless and shared by every binary connection; each connection's state lives in its own
 * {@link BinarySession}.
 */
public final class BinaryProtocolHandler implements ProtocolHandler {

    /** Creates the handler. */
    public BinaryProtocolHandler() {}

    @Override
    public Session open(Transport transport, ServerContext context) {
        return new BinarySession(transport, context);
    }
}
