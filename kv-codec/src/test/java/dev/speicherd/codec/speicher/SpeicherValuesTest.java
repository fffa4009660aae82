package dev.speicherd.codec.speicher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpeicherValuesTest {

    @ParameterizedTest
    @ValueSource(strings = {"42", "\"hi\"", "{\"x\": [true]}", " null ", "[1e+100,-0.0]", "\"\uD83D\uDE00\""})
    void jsonBytesAreAnsweredAsTheyAre(String stored) {
        byte[] bytes = Frames.utf8(stored);
        assertSame(bytes, SpeicherValues.toJson(bytes));
        assertTrue(SpeicherValues.isJson(bytes));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "hello              | \"hello\"",
        "``                 | \"\"",
        "abc def            | \"abc def\"",
        "say \"hi\"         | \"say \\\"hi\\\"\"",
        "01                 | \"01\"",
        "{a:1}              | \"{a:1}\"",
        "caf\u00e9 ok       | \"caf\u00e9 ok\"",
    })
    void otherBytesAreAnsweredAsAJsonString(String stored, String expected) {
        assertEquals(expected, Frames.utf8(SpeicherValues.toJson(Frames.utf8(stored))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ff fe 21       | \"\uFFFD\uFFFD!\"",
        "0a 09 01 5c    | \"\\n\\t\\u0001\\\\\"",
        "c3             | \"\uFFFD\"",
    })
    void bytesThatAreNotUtf8ReadWithReplacementCharacters(String hex, String expected) {
        byte[] json = SpeicherValues.toJson(Frames.hex(hex));
        assertEquals(expected, Frames.utf8(json));
        assertTrue(SpeicherValues.isJson(json), "the answer is itself valid JSON");
    }
}
