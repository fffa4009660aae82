package dev.speicherd.codec.speicher;

import java.util.Arrays;

/**
 * A speicher response, as {@link SpeicherFrameWriter} encodes it: a JSON object with {@code
 * status_code}, plus {@code value} on a hit and {@code error} on a failure.
 */
public sealed interface SpeicherResponse {

    /** The shared 200 without a value (SET, DEL, RST). */
    SpeicherResponse OK = new Ok();
    /** The shared 404. */
    SpeicherResponse NOT_FOUND = new NotFound();

    /**
     * Returns the status code this response carries on the wire.
     *
     * @return 200, 400, 404 or 503
     */
    int statusCode();

    /** 200: done. Use {@link SpeicherResponse#OK}. */
    record Ok() implements SpeicherResponse {
        @Override
        public int statusCode() {
            return 200;
        }
    }

    /**
     * 200 with the value found.
     *
     * @param valueJson one valid JSON text in UTF-8, written as it is (see {@link
     *     SpeicherValues#toJson})
     */
    record Found(byte[] valueJson) implements SpeicherResponse {
        @Override
        public int statusCode() {
            return 200;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Found other && Arrays.equals(valueJson, other.valueJson);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(valueJson);
        }

        @Override
        public String toString() {
            return "Found[" + valueJson.length + " bytes]";
        }
    }

    /** 404: no such key. Use {@link SpeicherResponse#NOT_FOUND}. */
    record NotFound() implements SpeicherResponse {
        @Override
        public int statusCode() {
            return 404;
        }
    }

    /**
     * 400: the request was wrong.
     *
     * @param error what was wrong, for the client to read
     */
    record BadRequest(String error) implements SpeicherResponse {
        @Override
        public int statusCode() {
            return 400;
        }
    }

    /**
     * 503: the server could not do it (the store failed).
     *
     * @param error what failed, for the client to read
     */
    record ServerError(String error) implements SpeicherResponse {
        @Override
        public int statusCode() {
            return 503;
        }
    }
}
