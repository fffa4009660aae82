package dev.speicherd.codec;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input that a reader tells, before it allocates for a data block or a frame body, how many
 * more bytes the request needs. An event loop's input, which never blocks, then waits for the
 * whole request at once, sized for it, rather than having the reader allocate the block on every
 * try and learn only a byte at a time how long the request is; a blocking input needs no such
 * word and does not implement this.
 */
public interface InputDemand {

    /**
     * Returns if {@code bytes} more bytes are here to be read, or the stream has ended (the
     * reader then meets the end as it reads); otherwise throws, the input's way of saying the
     * request is not whole yet, and remembers how much it needs.
     */
    void require(long bytes) throws IOException;

    /** {@link #require} on {@code in} if it is an {@link InputDemand}; nothing otherwise, or for no bytes. */
    static void require(InputStream in, long bytes) throws IOException {
        if (bytes > 0 && in instanceof InputDemand demand) {
            demand.require(bytes);
        }
    }
}
