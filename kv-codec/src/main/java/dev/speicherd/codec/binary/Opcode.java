package dev.speicherd.codec.binary;

/**
 * The request opcodes of memcached 1.6's binary protocol ({@code protocol_binary.h}). A quiet
 * opcode ({@code ...Q}) asks the server to leave out the replies that say nothing new: the
 * success of a change, the miss of a get.
 */
enum Opcode {
    GET(0x00), SET(0x01), ADD(0x02), REPLACE(0x03), DELETE(0x04), INCREMENT(0x05), DECREMENT(0x06),
    QUIT(0x07), FLUSH(0x08), GETQ(0x09, true), NOOP(0x0a), VERSION(0x0b), GETK(0x0c), GETKQ(0x0d, true),
    APPEND(0x0e), PREPEND(0x0f), STAT(0x10), SETQ(0x11, true), ADDQ(0x12, true), REPLACEQ(0x13, true),
    DELETEQ(0x14, true), INCREMENTQ(0x15, true), DECREMENTQ(0x16, true), QUITQ(0x17, true),
    FLUSHQ(0x18, true), APPENDQ(0x19, true), PREPENDQ(0x1a, true), VERBOSITY(0x1b), TOUCH(0x1c), GAT(0x1d),
    GATQ(0x1e, true), SASL_LIST_MECHS(0x20), SASL_AUTH(0x21), SASL_STEP(0x22), GATK(0x23), GATKQ(0x24, true);

    private static final Opcode[] BY_CODE = new Opcode[256];

    static {
        for (Opcode opcode : values()) {
            BY_CODE[opcode.code] = opcode;
        }
    }

    /** The opcode byte. */
    final int code;
    /** Whether this is the quiet variant of a command. */
    final boolean quiet;

    Opcode(int code) {
        this(code, false);
    }

    Opcode(int code, boolean quiet) {
        this.code = code;
        this.quiet = quiet;
    }

    /** The opcode with this byte (0..255), or {@code null} for one memcached does not know. */
    static Opcode of(int code) {
        return BY_CODE[code];
    }
}
