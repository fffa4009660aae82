package dev.speicherd.codec.speicher;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes speicher responses to a stream, each as one frame: a 4-byte signed big-endian length,
 * then a JSON object with {@code status_code}.
 *
 * <p>Each frame goes to the stream in a single {@code write} of header and body together: the
 * Python client reads the length with a single {@code recv(4)}, which a header sent on its own
 * could leave short. The body is assembled from bytes (a found value is copied in as the JSON
 * text it already is), never by serializing a tree. Nothing is flushed here; the caller decides
 * when, so that answers to pipelined requests leave in one batch.
 *
 * <p>Not thread-safe: one writer per connection.
 */
public final class SpeicherFrameWriter {

    private static final int INITIAL_BUFFER_BYTES = 1024;
    /** A buffer grown past this by one large value is dropped after it, not kept per connection. */
    private static final int RETAINED_BUFFER_BYTES = 64 * 1024;

    /** Where the length goes, filled in once the body is known. */
    private static final byte[] HEADER_PLACEHOLDER = new byte[SpeicherWords.HEADER_BYTES];

    private final OutputStream out;
    private final JsonBuffer frame = new JsonBuffer(INITIAL_BUFFER_BYTES);
    private long bytesWritten;

    /**
     * Creates a writer.
     *
     * @param out the stream, preferably buffered
     */
    public SpeicherFrameWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes one response frame, unflushed.
     *
     * @param response the response
     * @throws IOException when writing fails
     */
    public void write(SpeicherResponse response) throws IOException {
        frame.append(HEADER_PLACEHOLDER);
        switch (response) {
            case SpeicherResponse.Ok ok -> frame.append(SpeicherWords.OK_BODY);
            case SpeicherResponse.NotFound notFound -> frame.append(SpeicherWords.NOT_FOUND_BODY);
            case SpeicherResponse.Found found ->
                    frame.append(SpeicherWords.FOUND_PREFIX).append(found.valueJson()).append(SpeicherWords.BODY_END);
            case SpeicherResponse.BadRequest bad ->
                    frame.append(SpeicherWords.BAD_REQUEST_PREFIX).appendString(bad.error()).append(SpeicherWords.BODY_END);
            case SpeicherResponse.ServerError error ->
                    frame.append(SpeicherWords.SERVER_ERROR_PREFIX).appendString(error.error()).append(SpeicherWords.BODY_END);
        }
        frame.putInt(0, frame.size() - SpeicherWords.HEADER_BYTES);
        try {
            out.write(frame.array(), 0, frame.size());
            bytesWritten += frame.size();
        } finally {
            frame.clear(RETAINED_BUFFER_BYTES);
        }
    }

    /**
     * Flushes the stream.
     *
     * @throws IOException when writing fails
     */
    public void flush() throws IOException {
        out.flush();
    }

    /**
     * Returns how many bytes this writer has written.
     *
     * @return bytes, headers included
     */
    public long bytesWritten() {
        return bytesWritten;
    }
}
