package dev.speicherd.server;

import java.io.Flushable;
import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * What every protocol session does with its answers and its counters, in one place: answers
 * leave when the session flushes (after the last request it holds, or before it ends), each
 * flush brings the connection's byte counts up to date from its transport's and writer's totals,
 * and the counters go to the server's when the session closes. Only the session's thread uses
 * it.
 */
public final class SessionOutput implements AutoCloseable {

    private final ServerStats server;
    private final ConnectionStats stats;
    private final Flushable writer;
    private final LongSupplier bytesRead;
    private final LongSupplier bytesWritten;

    /**
     * Opens the connection's counters.
     *
     * @param context the server
     * @param writer flushes the session's buffered answers to the socket
     * @param bytesRead the bytes received from the client, {@link Transport#bytesReceived()}
     * @param bytesWritten the session writer's total of bytes written
     */
    public SessionOutput(ServerContext context, Flushable writer, LongSupplier bytesRead, LongSupplier bytesWritten) {
        this.server = context.stats();
        this.stats = server.open();
        this.writer = writer;
        this.bytesRead = bytesRead;
        this.bytesWritten = bytesWritten;
    }

    /** Returns the connection's counters, for its dispatch. */
    public ConnectionStats stats() {
        return stats;
    }

    /** Sends the buffered answers and brings the byte counts up to date. */
    public void flush() throws IOException {
        writer.flush();
        count();
    }

    /**
     * Sends the answers still owed before {@code cause} ends the session (a client cut off in
     * the middle of a request is still owed the whole ones before it); a failure to send them
     * is added to {@code cause}.
     */
    public void flushOwed(IOException cause) {
        try {
            flush();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Brings the byte counts up to date, e.g. before a stats report includes this connection. */
    public void count() {
        stats.traffic(bytesRead.getAsLong(), bytesWritten.getAsLong());
    }

    /** Counts the last bytes and carries the connection's counters over to the server's. */
    @Override
    public void close() {
        count();
        server.close(stats);
    }
}
