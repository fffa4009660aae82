package dev.speicherd.server;

import java.io.IOException;

/**
 * One wire protocol's side of a connection: opens the {@link Session} that reads its requests,
 * carries them out against the context's store, and writes the replies.
 *
 * <p>A handler is stateless and shared by every connection of its protocol; each connection's
 * state lives in its session. It does not close the transport: the connection does, on every
 * path.
 */
public interface ProtocolHandler {

    /**
     * Opens a session on a connection.
     *
     * @param transport the connection's buffered streams; the protocol selector has only peeked at
     *     the input
     * @param context the store, clock, configuration and counters of this server
     * @return the session
     */
    Session open(Transport transport, ServerContext context);

    /**
     * Serves a connection on the calling thread, which blocks on its input, until it ends.
     *
     * @param transport the connection's buffered, blocking streams
     * @param context the store, clock, configuration and counters of this server
     * @throws IOException when the connection fails; the caller closes it and logs by type
     */
    default void serve(Transport transport, ServerContext context) throws IOException {
        try (Session session = open(transport, context)) {
            while (session.serveOne()) {
                // one request at a time, until the session says the connection ends
            }
        }
    }
}
