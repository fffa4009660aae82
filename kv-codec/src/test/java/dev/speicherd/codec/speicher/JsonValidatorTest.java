package dev.speicherd.codec.speicher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonValidatorTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "0", "-0", "-0.0", "42", "1e+100", "1E-7", "2.5e3", "100000000000000000000",
        "true", "false", "null",
        "\"\"", "\"plain\"", "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"",
        "\"caf\u00e9 \u20ac \uD83D\uDE00 \u2028\"", "\"\\ud800\"",
        "[]", "{}", "[1,[2,[3]],{\"a\":null}]", "{\"a\":{\"b\":[true,false]},\"c\":\"d\"}",
        " \t\r\n [ 1 , 2 ] \n", "{ \"k\" : \"v\" }", "{\"a\":1,\"a\":2}",
    })
    void acceptsJsonTexts(String text) {
        assertTrue(JsonValidator.isValid(Frames.utf8(text)), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "abc", "hello world", "True", "NULL", "nul", "tru", "undefined", "NaN", "Infinity", "-Infinity",
        "01", "-", "+1", "1.", ".5", "1e", "1e+", "0x10", "1 2", "- 1", "--1",
        "\"unterminated", "'single'", "\"bad escape \\x\"", "\"short \\u12\"", "\"tab\tinside\"",
        "\"newline\ninside\"", "[", "]", "[1,]", "[,1]", "[1 2]", "{", "{\"a\"}", "{\"a\":}",
        "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "{1:2}", "[1]]", "{}{}", "// c\n1", "/* c */ 1",
        "\uFEFF1",
    })
    void rejectsWhatIsNotJson(String text) {
        assertFalse(JsonValidator.isValid(Frames.utf8(text)), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "22 ff 22",          // a byte that never starts a UTF-8 sequence
        "22 c3 22",          // a sequence cut short by the closing quote
        "22 c0 af 22",       // overlong '/'
        "22 e0 80 af 22",    // overlong, three bytes
        "22 ed a0 80 22",    // an encoded UTF-16 surrogate
        "22 f4 90 80 80 22", // above U+10FFFF
        "22 80 22",          // a continuation byte alone
        "22 e2 82",          // cut short by the end of input
        "c3 a9",             // non-ASCII outside a string
    })
    void rejectsInvalidUtf8(String hex) {
        assertFalse(JsonValidator.isValid(Frames.hex(hex)), hex);
    }

    @Test
    void acceptsEveryWellFormedUtf8Length() {
        assertTrue(JsonValidator.isValid(Frames.hex("22 41 c3 a9 e2 82 ac f0 9f 98 80 f4 8f bf bf 22")));
    }

    @Test
    void reportsWhereTheTextGoesWrong() {
        assertEquals(JsonValidator.VALID, JsonValidator.firstError(Frames.utf8("[1,2]"), 0, 5));
        assertEquals(3, JsonValidator.firstError(Frames.utf8("[1,]"), 0, 4));
        assertEquals(4, JsonValidator.firstError(Frames.utf8("[1,2"), 0, 4));
        assertEquals(0, JsonValidator.firstError(new byte[0], 0, 0));
        byte[] framed = Frames.utf8("xx[1]yy");
        assertEquals(JsonValidator.VALID, JsonValidator.firstError(framed, 2, 3));
    }

    @Test
    void boundsNesting() {
        String deepest = "[".repeat(JsonValidator.MAX_DEPTH) + "]".repeat(JsonValidator.MAX_DEPTH);
        String tooDeep = "[".repeat(JsonValidator.MAX_DEPTH + 1) + "]".repeat(JsonValidator.MAX_DEPTH + 1);
        assertTrue(JsonValidator.isValid(Frames.utf8(deepest)));
        assertFalse(JsonValidator.isValid(Frames.utf8(tooDeep)));
        assertFalse(JsonValidator.isValid(Frames.utf8("{\"a\":".repeat(100_000))), "no stack overflow");
    }
}
