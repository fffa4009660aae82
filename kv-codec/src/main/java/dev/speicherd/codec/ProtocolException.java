package dev.speicherd.codec;

import java.io.IOException;

/**
 * Input that breaks a wire protocol. The subtype tells the connection what to do next:
 * answer a {@link MalformedRequest} and read on, because the stream is still in step; answer a
 * {@link BrokenStream} and close, because where the next request starts is no longer known or
 * reading it would cost more than a client may claim.
 */
public abstract sealed class ProtocolException extends IOException {

    private ProtocolException(String message) {
        super(message);
    }

    /** One request is wrong, but the stream is still in step: answer it and go on. */
    public static final class MalformedRequest extends ProtocolException {
        /** @param message what was wrong, fit to show the client */
        public MalformedRequest(String message) {
            super(message);
        }
    }

    /** The stream cannot be followed any more: answer if the protocol allows, then close. */
    public static final class BrokenStream extends ProtocolException {
        /** @param message what was wrong, fit to show the client */
        public BrokenStream(String message) {
            super(message);
        }
    }
}
