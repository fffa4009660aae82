package dev.speicherd.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One wire protocol's side of a connection: reads requests from {@code in}, carries them out
 * against the context's store, and writes the replies to {@code out}, until the client hangs up,
 * quits, or sends something after which the connection cannot go on.
 *
 * <p>A handler is shared by every connection of its protocol and keeps per-connection state in
 * locals only. It runs on the connection's own virtual thread, so it blocks freely. It does not
 * close the streams: the connection that called it does, on every path.
 */
public interface ProtocolHandler {

    /**
     * Serves one connection.
     *
     * @param in the connection's input, buffered; the protocol selector has only peeked at it
     * @param out the connection's raw output; the handler buffers and flushes it as it sees fit
     * @param context the store, clock, configuration and counters of this server
     * @throws IOException when the connection fails; the caller closes it and logs by type
     */
    void serve(BufferedInputStream in, OutputStream out, ServerContext context) throws IOException;
}
