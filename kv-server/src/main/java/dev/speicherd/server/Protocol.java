package dev.speicherd.server;

/**
 * The wire protocols a listener can serve, and how each is told apart by the first byte a client
 * sends. A speicher frame begins with its length, whose first byte is 0x00 for any frame under
 * 16 MiB; memcached text begins with a command word, a letter. Anything else is left to the
 * protocol the port was opened for, so that, say, a negative speicher length on the speicher
 * port still gets a speicher error.
 */
enum Protocol {
    SPEICHER,
    MEMCACHED;

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
        if ((firstByte >= 'a' && firstByte <= 'z') || (firstByte >= 'A' && firstByte <= 'Z')) {
            return MEMCACHED;
        }
        return portDefault;
    }
}
