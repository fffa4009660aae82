package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtocolTest {

    @ParameterizedTest(name = "first byte {0} on a {1} port -> {2}")
    @CsvSource({
        // a speicher frame under 16 MiB starts with a zero byte, on either port
        "0x00, SPEICHER, SPEICHER",
        "0x00, MEMCACHED, SPEICHER",
        // memcached text starts with a command word, on either port
        "0x67, SPEICHER, MEMCACHED",   // g
        "0x4D, SPEICHER, MEMCACHED",   // M
        "0x7A, MEMCACHED, MEMCACHED",  // z
        // memcached binary starts with its request magic, on either port
        "0x80, MEMCACHED, BINARY",
        "0x80, SPEICHER, BINARY",
        // anything else belongs to the port: a negative or huge speicher length, a stray CR, a
        // binary response's magic sent by mistake
        "0xFF, SPEICHER, SPEICHER",
        "0x7F, SPEICHER, SPEICHER",
        "0x0D, MEMCACHED, MEMCACHED",
        "0x81, MEMCACHED, MEMCACHED",
        "0x20, SPEICHER, SPEICHER",
    })
    void chosenByTheFirstByteThenByThePort(String firstByte, Protocol port, Protocol expected) {
        assertEquals(expected, Protocol.of(Integer.decode(firstByte), port));
    }
}
