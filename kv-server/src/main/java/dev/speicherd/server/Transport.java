package dev.speicherd.server;

import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongSupplier;

/**
 * What a protocol session reads and writes.
 *
 * @param in the connection's input, buffered; its {@link InputStream#available()} counts only
 *     bytes already buffered, never asking the socket
 * @param out the connection's output, buffered; the session flushes it once the requests it holds
 *     are answered
 * @param bytesReceived the bytes received from the client so far, as memcached's {@code
 *     bytes_read} counts them
 */
public record Transport(InputStream in, OutputStream out, LongSupplier bytesReceived) {

    /** Input buffer of a blocking connection: a pipeline of small requests is read in few calls. */
    static final int INPUT_BUFFER_BYTES = 16 * 1024;
    /** Output buffer of a blocking connection: room for a pipelined batch of small answers. */
    static final int OUTPUT_BUFFER_BYTES = 16 * 1024;

    /**
     * Buffers a pair of blocking streams, such as a socket's, counting the bytes that come in.
     *
     * @param in the raw input
     * @param out the raw output
     * @return the transport
     */
    public static Transport blocking(InputStream in, OutputStream out) {
        ConnectionInput input = in instanceof ConnectionInput buffered ? buffered : new ConnectionInput(in, INPUT_BUFFER_BYTES);
        return new Transport(input, new BufferedOutputStream(out, OUTPUT_BUFFER_BYTES), input::received);
    }
}
