package dev.speicherd.codec.speicher;

import static java.nio.charset.StandardCharsets.US_ASCII;

/** The speicher protocol's words, in one place: field names, command names, reply bodies. */
final class SpeicherWords {

    /** Every frame starts with its length: a 4-byte signed big-endian integer. */
    static final int HEADER_BYTES = 4;

    static final String COMMAND = "command";
    static final String KEY = "key";
    static final String VALUE = "value";

    static final String SET = "SET";
    static final String GET = "GET";
    static final String DEL = "DEL";
    static final String RST = "RST";

    static final byte[] OK_BODY = ascii("{\"status_code\":200}");
    static final byte[] NOT_FOUND_BODY = ascii("{\"status_code\":404}");
    static final byte[] FOUND_PREFIX = ascii("{\"status_code\":200,\"value\":");
    static final byte[] BAD_REQUEST_PREFIX = ascii("{\"status_code\":400,\"error\":");
    static final byte[] SERVER_ERROR_PREFIX = ascii("{\"status_code\":503,\"error\":");
    static final byte BODY_END = '}';

    private SpeicherWords() {}

    private static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }
}
