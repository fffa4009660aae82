package dev.speicherd.server;

import dev.speicherd.codec.KeySpan;
import java.io.IOException;

/**
 * One connection's conversation in one protocol, a request at a time, on an event loop that calls
 * it only when input is there (the tests also run sessions on blocking streams, which need nothing
 * of what follows).
 *
 * <p>On an event loop the input throws {@link MoreInputNeeded} when a request has not fully
 * arrived; the loop then rewinds the input to where the request began, makes the session
 * {@linkplain #forgetUnread() forget} what its reader had taken, and calls again once more bytes
 * are in. A session therefore changes nothing until it has read a whole request.
 */
public interface Session extends AutoCloseable {

    /**
     * Reads one request and answers it.
     *
     * @return false when the connection ends here (the client quit, hung up between requests, or
     *     sent what the conversation cannot go on after); what is owed has been flushed
     * @throws IOException when the input ends inside a request, or the connection fails
     */
    boolean serveOne() throws IOException;

    /**
     * Where the key of the next request lies in {@code bytes}, the input from {@code from} to
     * {@code to} that the session's reader has not taken yet, as a {@link KeySpan}: {@link
     * KeySpan#NONE} when that request has no key or its key is not all there, and when the
     * reader holds bytes of its own (the next request begins there). A hint for an event loop
     * that warms the store up for the lookups of all its ready connections at once; this default
     * gives none.
     */
    default long keyOfNext(byte[] bytes, int from, int to) {
        return KeySpan.NONE;
    }

    /** Returns the bytes the session's reader took from the input and has not yet parsed. */
    int unread();

    /** Forgets the bytes counted by {@link #unread()} and any request half read. */
    void forgetUnread();

    /** Ends the session, carrying its counters over to the server's. */
    @Override
    void close();
}
