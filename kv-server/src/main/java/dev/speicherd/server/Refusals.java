package dev.speicherd.server;

import dev.speicherd.codec.speicher.SpeicherFrameWriter;
import dev.speicherd.codec.speicher.SpeicherResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** What a connection over the {@code --max-connections} limit is told before it is closed. */
final class Refusals {

    /** A server-side condition, so a {@code SERVER_ERROR}: clients report it as such. */
    static final String MEMCACHED = "SERVER_ERROR too many open connections\r\n";
    static final String SPEICHER = "too many open connections";

    private static final byte[] MEMCACHED_BYTES = MEMCACHED.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SPEICHER_BYTES = speicherFrame();

    private Refusals() {}

    /** The refusal in the port's protocol: a 503 frame, or memcached's error line. */
    static byte[] tooManyConnections(Protocol protocol) {
        return switch (protocol) {
            case SPEICHER -> SPEICHER_BYTES.clone();
            // No port is opened for binary; memcached too refuses in text whatever a client speaks.
            case MEMCACHED, BINARY -> MEMCACHED_BYTES.clone();
        };
    }

    private static byte[] speicherFrame() {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        try {
            new SpeicherFrameWriter(frame).write(new SpeicherResponse.ServerError(SPEICHER));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return frame.toByteArray();
    }
}
