package dev.speicherd.server;

import java.io.IOException;

/**
 * Thrown by an event loop's input when a reader asks for bytes that have not arrived yet: the
 * request is incomplete, and is read again from its start once more input is in. It is thrown
 * once per partial request, not per byte, and carries no stack trace.
 */
public final class MoreInputNeeded extends IOException {

    private static final long serialVersionUID = 1L;

    MoreInputNeeded() {
        super("request incomplete: more input needed");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // control flow, not a failure: a trace would cost more than the read
    }
}
