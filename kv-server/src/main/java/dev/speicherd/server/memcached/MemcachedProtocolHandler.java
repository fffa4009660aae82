package dev.speicherd.server.memcached;

import dev.speicherd.server.ProtocolHandler;
import dev.speicherd.server.ServerContext;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;

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
    public void serve(BufferedInputStream in, OutputStream out, ServerContext context) throws IOException {
        new MemcachedSession(in, out, context).run();
    }
}
