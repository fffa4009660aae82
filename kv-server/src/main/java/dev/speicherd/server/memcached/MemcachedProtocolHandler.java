package dev.speicherd.server.memcached;

import dev.speicherd.server.ProtocolHandler;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.Session;
import dev.speicherd.server.Transport;

/**
 * Serves memcached's text protocol, classic and meta commands, against the shared store. A
 * malformed request gets {@code CLIENT_ERROR} and the connection goes on; a line over the limit
 * gets {@code CLIENT_ERROR line too long} and the connection closes; {@code quit} closes it.
 * Answers are flushed when no more input is waiting, so a pipeline is answered in few writes.
 *
 * <p>Stateless and shared by every memcached connection; each connection's state lives in its
 * own {@link MemcachedSession}.
 */
public final class MemcachedProtocolHandler implements ProtocolHandler {

    /** Creates the handler. */
    public MemcachedProtocolHandler() {}

    @Override
    public Session open(Transport transport, ServerContext context) {
        return new MemcachedSession(transport, context);
    }
}
