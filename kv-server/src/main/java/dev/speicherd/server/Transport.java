package dev.speicherd.server;

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
}
