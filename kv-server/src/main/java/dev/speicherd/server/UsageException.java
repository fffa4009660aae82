package dev.speicherd.server;

/** A flag or value the user gave is wrong; the message names it, in one line. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
