package dev.speicherd.server;

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
}
