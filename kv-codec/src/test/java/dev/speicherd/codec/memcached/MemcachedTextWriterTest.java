package dev.speicherd.codec.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemcachedTextWriterTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final MemcachedTextWriter writer = new MemcachedTextWriter(out);

    private String written() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "9, 9", "10, 10", "1234567890, 1234567890", "-1, 18446744073709551615",
        "-9223372036854775808, 9223372036854775808", "9223372036854775807, 9223372036854775807",
        "999999999999999999, 999999999999999999", "1000000000000000000, 1000000000000000000", "-10, 18446744073709551606"})
    void numbersAreUnsignedDecimal(long value, String text) throws IOException {
        writer.number(value);
        assertEquals(text + "\r\n", written());
        assertEquals(written().length(), writer.bytesWritten());
    }

    @ParameterizedTest
    @CsvSource({"false, 'VALUE k 4294967295 3\r\nabc\r\n'", "true, 'VALUE k 4294967295 3 18446744073709551615\r\nabc\r\n'"})
    void valueHeadersCarryUnsignedFlagsAndCas(boolean withCas, String expected) throws IOException {
        writer.value("k".getBytes(StandardCharsets.US_ASCII), -1, "abc".getBytes(StandardCharsets.US_ASCII), withCas, -1L);
        assertEquals(expected, written());
        assertEquals(expected.length(), writer.bytesWritten());
    }
}
