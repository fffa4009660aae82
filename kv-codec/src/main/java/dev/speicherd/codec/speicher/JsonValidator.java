package dev.speicherd.codec.speicher;

/**
 * A strict check of JSON text as RFC 8259 defines it: exactly one value, optional whitespace
 * around it, valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF),
 * no byte order mark, no comments, no single quotes, no bare words.
 *
 * <p>It runs on every speicher request and on every speicher {@code GET} of an item, so it
 * allocates nothing: a recursive descent over the bytes whose methods return the index after
 * what they read, or the bitwise complement ({@code ~i}, always negative) of the index where the
 * input went wrong. Nesting is bounded by {@link #MAX_DEPTH}, which also bounds the recursion.
 */
final class JsonValidator {

    /** The most arrays and objects open at once; deeper text counts as invalid. */
    static final int MAX_DEPTH = 512;

    /** What {@link #firstError} returns for valid text. */
    static final int VALID = -1;

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private JsonValidator() {}

    /**
     * Tells whether bytes are one strict JSON text.
     *
     * @param bytes the candidate text
     * @return true when valid
     */
    static boolean isValid(byte[] bytes) {
        return firstError(bytes, 0, bytes.length) == VALID;
    }

    /**
     * Finds where bytes stop being one strict JSON text.
     *
     * @param bytes the array holding the text
     * @param offset where the text starts
     * @param length how many bytes it has
     * @return {@link #VALID}, or the offset of the first offending byte relative to {@code
     *     offset} ({@code length} when the text ends too early)
     */
    static int firstError(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int next = value(bytes, skipWhitespace(bytes, offset, end), end, 0);
        if (next < 0) {
            return ~next - offset;
        }
        int rest = skipWhitespace(bytes, next, end);
        return rest == end ? VALID : rest - offset;
    }

    private static int value(byte[] b, int i, int end, int depth) {
        if (i >= end) {
            return ~i;
        }
        return switch (b[i]) {
            case '{' -> object(b, i, end, depth + 1);
            case '[' -> array(b, i, end, depth + 1);
            case '"' -> string(b, i + 1, end);
            case 't' -> literal(b, i, end, TRUE);
            case 'f' -> literal(b, i, end, FALSE);
            case 'n' -> literal(b, i, end, NULL);
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number(b, i, end);
            default -> ~i;
        };
    }

    private static int object(byte[] b, int open, int end, int depth) {
        if (depth > MAX_DEPTH) {
            return ~open;
        }
        int i = skipWhitespace(b, open + 1, end);
        if (i < end && b[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= end || b[i] != '"') {
                return ~i;
            }
            i = string(b, i + 1, end);
            if (i < 0) {
                return i;
            }
            i = skipWhitespace(b, i, end);
            if (i >= end || b[i] != ':') {
                return ~i;
            }
            i = value(b, skipWhitespace(b, i + 1, end), end, depth);
            if (i < 0) {
                return i;
            }
            i = skipWhitespace(b, i, end);
            if (i < end && b[i] == '}') {
                return i + 1;
            }
            if (i >= end || b[i] != ',') {
                return ~i;
            }
            i = skipWhitespace(b, i + 1, end);
        }
    }

    private static int array(byte[] b, int open, int end, int depth) {
        if (depth > MAX_DEPTH) {
            return ~open;
        }
        int i = skipWhitespace(b, open + 1, end);
        if (i < end && b[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = value(b, i, end, depth);
            if (i < 0) {
                return i;
            }
            i = skipWhitespace(b, i, end);
            if (i < end && b[i] == ']') {
                return i + 1;
            }
            if (i >= end || b[i] != ',') {
                return ~i;
            }
            i = skipWhitespace(b, i + 1, end);
        }
    }

    /** Reads the rest of a string whose opening quote is just before {@code i}. */
    private static int string(byte[] b, int i, int end) {
        while (i < end) {
            int c = b[i] & 0xff;
            if (c == '"') {
                return i + 1;
            } else if (c == '\\') {
                i = escape(b, i + 1, end);
            } else if (c < 0x20) {
                return ~i;
            } else if (c < 0x80) {
                i++;
            } else {
                i = utf8Sequence(b, i, end);
            }
            if (i < 0) {
                return i;
            }
        }
        return ~end;
    }

    /** Reads an escape whose backslash is just before {@code i}. */
    private static int escape(byte[] b, int i, int end) {
        if (i >= end) {
            return ~end;
        }
        switch (b[i]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 1;
            }
            case 'u' -> {
                for (int k = i + 1; k <= i + 4; k++) {
                    if (k >= end) {
                        return ~end;
                    }
                    if (Character.digit(b[k], 16) < 0) {
                        return ~k;
                    }
                }
                return i + 5;
            }
            default -> {
                return ~i;
            }
        }
    }

    /** Reads one multi-byte UTF-8 sequence starting at {@code i}, per RFC 3629's table. */
    private static int utf8Sequence(byte[] b, int i, int end) {
        int lead = b[i] & 0xff;
        int count;
        int secondLow = 0x80;
        int secondHigh = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            count = 1;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            count = 2;
            if (lead == 0xe0) {
                secondLow = 0xa0; // no overlong forms
            } else if (lead == 0xed) {
                secondHigh = 0x9f; // no UTF-16 surrogates
            }
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            count = 3;
            if (lead == 0xf0) {
                secondLow = 0x90; // no overlong forms
            } else if (lead == 0xf4) {
                secondHigh = 0x8f; // nothing above U+10FFFF
            }
        } else {
            return ~i;
        }
        for (int k = 1; k <= count; k++) {
            if (i + k >= end) {
                return ~end;
            }
            int c = b[i + k] & 0xff;
            int low = k == 1 ? secondLow : 0x80;
            int high = k == 1 ? secondHigh : 0xbf;
            if (c < low || c > high) {
                return ~(i + k);
            }
        }
        return i + count + 1;
    }

    private static int number(byte[] b, int i, int end) {
        if (b[i] == '-') {
            i++;
        }
        if (i >= end) {
            return ~end;
        }
        if (b[i] == '0') {
            i++;
        } else if (isDigit(b[i])) {
            i = digits(b, i, end);
        } else {
            return ~i;
        }
        if (i < end && b[i] == '.') {
            i++;
            if (i >= end || !isDigit(b[i])) {
                return ~i;
            }
            i = digits(b, i, end);
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            if (i >= end || !isDigit(b[i])) {
                return ~i;
            }
            i = digits(b, i, end);
        }
        return i;
    }

    private static int digits(byte[] b, int i, int end) {
        while (i < end && isDigit(b[i])) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int literal(byte[] b, int i, int end, byte[] word) {
        for (int k = 0; k < word.length; k++) {
            if (i + k >= end || b[i + k] != word[k]) {
                return ~(i + k);
            }
        }
        return i + word.length;
    }

    /** The index of the first byte at or after {@code i} that is not JSON whitespace, at most {@code end}. */
    static int skipWhitespace(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }
}
