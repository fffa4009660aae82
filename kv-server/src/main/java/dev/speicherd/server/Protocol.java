package dev.speicherd.server;

import dev.speicherd.codec.binary.MemcachedBinaryReader;

/**
 * The wire protocols a listener can serve, and how each is told apart by the first byte a client
 * sends. A speicher frame begins with its length, whose first byte is 0x00 for any frame under
 * 16 MiB; memcached text begins with a command word, a letter; memcached binary begins with its
 * request magic 0x80. Anything else is left to the protocol the port was opened for, so that,
 * say, a negative speicher length on the speicher port still gets a speicher error. (A speicher
 * length with its top byte 0x80 is negative anyway, so binary takes nothing speicher could use.)
 */
enum Protocol {
    SPEICHER,
    MEMCACHED,
    /** memcached's binary protocol; no port is opened for it, every port recognises it. */
    BINARY;

    /**
     * Chooses the protocol for a connection.
     *
     * @param firstByte the first byte the client sent, 0..255
     * @param portDefault the protocol the listening port was opened for
     * @return the protocol to serve
     */
    static Protocol of(int firstByte, Protocol portDefault) {
        if (firstByte == 0x00) {
            return SPEICHER;
        }
        if (firstByte == MemcachedBinaryReader.REQUEST_MAGIC) {
            return BINARY;
        }
        if ((firstByte >= 'a' && firstByte <= 'z') || (firstByte >= 'A' && firstByte <= 'Z')) {
            return MEMCACHED;
        }
        return portDefault;
    }
}
