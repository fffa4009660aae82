package dev.speicherd.codec.binary;

import java.nio.charset.StandardCharsets;

/**
 * The response statuses speicherd sends, with the codes of memcached's {@code protocol_binary.h}
 * and the text memcached 1.6 puts in the body of an error response.
 */
public enum BinaryStatus {
    /** Success; its responses carry no error text. */
    NO_ERROR(0x0000, ""),
    /** No live item has the key (a miss; a replace, delete, touch or cas of nothing). */
    KEY_NOT_FOUND(0x0001, "Not found"),
    /** An add of a live key, or a cas that does not match. */
    KEY_EXISTS(0x0002, "Data exists for key."),
    /** A value over the item size limit, or a body too large to read at all. */
    VALUE_TOO_LARGE(0x0003, "Too large."),
    /** Sizes that do not fit the opcode, or a key over 250 bytes. */
    INVALID_ARGUMENTS(0x0004, "Invalid arguments"),
    /** An append or prepend to nothing. */
    NOT_STORED(0x0005, "Not stored."),
    /** An increment or decrement of a value that is not a decimal counter. */
    NON_NUMERIC(0x0006, "Non-numeric server-side value for incr or decr"),
    /** An opcode memcached does not serve; also a key and extras longer than the body. */
    UNKNOWN_COMMAND(0x0081, "Unknown command"),
    /**
     * The store failed (a log that cannot be written): {@code EINTERNAL}, which memcached defines
     * and never sends; the body is the store's own message.
     */
    INTERNAL_ERROR(0x0084, "Internal error");

    /** The 16-bit status code on the wire. */
    final int code;
    /** The body of an error response with this status, US-ASCII. */
    final byte[] text;

    BinaryStatus(int code, String text) {
        this.code = code;
        this.text = text.getBytes(StandardCharsets.US_ASCII);
    }
}
