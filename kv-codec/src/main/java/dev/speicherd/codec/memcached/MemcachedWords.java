package dev.speicherd.codec.memcached;

import java.nio.charset.StandardCharsets;

/** The memcached text protocol's reply words, as bytes ready to send. */
public final class MemcachedWords {

    private MemcachedWords() {}

    public static final byte[] STORED = line("STORED");
    public static final byte[] NOT_STORED = line("NOT_STORED");
    public static final byte[] EXISTS = line("EXISTS");
    public static final byte[] NOT_FOUND = line("NOT_FOUND");
    public static final byte[] DELETED = line("DELETED");
    public static final byte[] TOUCHED = line("TOUCHED");
    public static final byte[] END = line("END");
    public static final byte[] OK = line("OK");
    public static final byte[] RESET = line("RESET");
    public static final byte[] ERROR = line("ERROR");
    public static final byte[] OBJECT_TOO_LARGE = line("SERVER_ERROR object too large for cache");
    public static final byte[] NON_NUMERIC = line("CLIENT_ERROR cannot increment or decrement non-numeric value");
    public static final byte[] SHUTDOWN_NOT_ENABLED = line("ERROR: shutdown not enabled");

    /** Meta replies: miss, no-op, and the two-letter codes that take flags after them. */
    public static final byte[] META_MISS = line("EN");
    public static final byte[] META_NOOP = line("MN");
    public static final String META_STORED = "HD";
    public static final String META_NOT_STORED = "NS";
    public static final String META_EXISTS = "EX";
    public static final String META_NOT_FOUND = "NF";
    public static final String META_VALUE = "VA";

    static final byte[] VALUE = ascii("VALUE ");
    static final byte[] CRLF = ascii("\r\n");
    static final byte[] CLIENT_ERROR = ascii("CLIENT_ERROR ");
    static final byte[] SERVER_ERROR = ascii("SERVER_ERROR ");
    static final byte[] STAT = ascii("STAT ");

    private static byte[] line(String word) {
        return ascii(word + "\r\n");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
