package dev.speicherd.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One connection served on the test's thread from blocking streams (an array of requests, or a
 * socket), a request at a time until the session ends: how the protocol tests drive a session
 * without an event loop. The server itself serves every connection on its loops.
 */
public final class BlockingConnection {

    private static final int BUFFER_BYTES = 16 * 1024;

    private BlockingConnection() {}

    /** Buffers a pair of blocking streams, counting the bytes that come in as {@code bytes_read}. */
    public static Transport transport(InputStream in, OutputStream out) {
        Counted counted = new Counted(in);
        return new Transport(new BufferedInputStream(counted, BUFFER_BYTES), new BufferedOutputStream(out, BUFFER_BYTES),
                () -> counted.received);
    }

    /** Serves the connection until its session ends, as the server's loop would. */
    public static void serve(ProtocolHandler handler, Transport transport, ServerContext context) throws IOException {
        try (Session session = handler.open(transport, context)) {
            while (session.serveOne()) {
                // one request at a time, until the session says the connection ends
            }
        }
    }

    /** The raw input, counting what comes out of it. */
    private static final class Counted extends FilterInputStream {

        private long received;

        Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                received++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                received += n;
            }
            return n;
        }
    }
}
