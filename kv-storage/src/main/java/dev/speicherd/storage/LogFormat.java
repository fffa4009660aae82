package dev.speicherd.storage;

import dev.speicherd.api.Item;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The bytes of the log, as the grammar in {@link LogStore} gives them: the file header, and
 * each record framed as {@code crc32c | length | payload}. All numbers are big-endian.
 */
final class LogFormat {

    /** The first bytes of every log file. */
    static final byte[] MAGIC = "SPEICHLG".getBytes(StandardCharsets.US_ASCII);
    /** The format version this code writes and reads. */
    static final int VERSION = 1;
    /** Magic and version. */
    static final int HEADER_BYTES = MAGIC.length + Integer.BYTES;
    /** The checksum and the length before every payload. */
    static final int FRAME_BYTES = 2 * Integer.BYTES;

    /** Operation codes, the first byte of a payload. */
    static final byte PUT = 1;
    static final byte REMOVE = 2;
    static final byte FLUSH = 3;
    static final byte CAS_FLOOR = 4;

    /** A put's payload without key and value: op, key length, flags, expiry, cas, written at, value length. */
    static final int PUT_FIXED_BYTES = 1 + Integer.BYTES + Integer.BYTES + 3 * Long.BYTES + Integer.BYTES;
    /** A removal's payload without the key: op, key length. */
    static final int REMOVE_FIXED_BYTES = 1 + Integer.BYTES;
    /** A flush's payload: op, written before, pending at, cas up to. */
    static final int FLUSH_BYTES = 1 + 3 * Long.BYTES;
    /** A token floor's payload: op, cas. */
    static final int CAS_FLOOR_BYTES = 1 + Long.BYTES;
    /** Where a put's value length sits in its payload, after op, key length, key and the fixed fields. */
    private static final int PUT_VALUE_LENGTH_AFTER_KEY = 1 + Integer.BYTES + Integer.BYTES + 3 * Long.BYTES;

    private LogFormat() {}

    /** Reads a big-endian int at an offset into a payload, wherever the payload is. */
    @FunctionalInterface
    interface IntAt {
        int read(int payloadOffset) throws IOException;
    }

    /** A payload that passed its checksum but does not follow the grammar. */
    static final class MalformedRecordException extends Exception {
        MalformedRecordException(String message) {
            super(message);
        }
    }

    /** Returns a new file header. */
    static byte[] header() {
        return ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(VERSION).array();
    }

    /**
     * Tells why a file header is not this format's, or returns null when it is.
     *
     * @param header the first {@link #HEADER_BYTES} bytes of a file
     * @return the problem, fit for an error message, or null
     */
    static String headerProblem(byte[] header) {
        if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return "it does not start with the magic bytes " + new String(MAGIC, StandardCharsets.US_ASCII)
                    + ", so it is not a speicherd log";
        }
        int version = ByteBuffer.wrap(header, MAGIC.length, Integer.BYTES).getInt();
        if (version != VERSION) {
            return "it has format version " + version + ", and this build reads version " + VERSION;
        }
        return null;
    }

    /**
     * Encodes a record with its frame, ready to append.
     *
     * @param record the record
     * @return checksum, length and payload
     */
    static byte[] encode(LogRecord record) {
        long payloadBytes = payloadBytes(record);
        if (payloadBytes > Integer.MAX_VALUE - FRAME_BYTES) {
            throw new IllegalArgumentException("a record of " + payloadBytes + " bytes does not fit the format");
        }
        ByteBuffer buf = ByteBuffer.allocate(FRAME_BYTES + (int) payloadBytes);
        buf.putInt(0).putInt((int) payloadBytes); // the checksum comes last, over what follows it
        switch (record) {
            case LogRecord.Put put -> {
                Item item = put.item();
                buf.put(PUT).putInt(put.key().length).put(put.key())
                        .putInt(item.flags()).putLong(item.expiresAt()).putLong(item.cas()).putLong(put.writtenAt())
                        .putInt(item.value().length).put(item.value());
            }
            case LogRecord.Remove remove -> buf.put(REMOVE).putInt(remove.key().length).put(remove.key());
            case LogRecord.Flush flush -> buf.put(FLUSH)
                    .putLong(flush.schedule().writtenBefore())
                    .putLong(flush.schedule().pendingAt())
                    .putLong(flush.schedule().casUpTo());
            case LogRecord.CasFloor floor -> buf.put(CAS_FLOOR).putLong(floor.cas());
        }
        byte[] frame = buf.array();
        buf.putInt(0, checksum(frame, Integer.BYTES, frame.length - Integer.BYTES));
        return frame;
    }

    /**
     * Returns the length of a record's payload, without encoding it.
     *
     * @param record the record
     * @return its payload bytes; may be more than a record can have
     */
    static long payloadBytes(LogRecord record) {
        return switch (record) {
            case LogRecord.Put put -> (long) PUT_FIXED_BYTES + put.key().length + put.item().value().length;
            case LogRecord.Remove remove -> (long) REMOVE_FIXED_BYTES + remove.key().length;
            case LogRecord.Flush flush -> FLUSH_BYTES;
            case LogRecord.CasFloor floor -> CAS_FLOOR_BYTES;
        };
    }

    /**
     * Tells, from the op, the length and at most two ints of a payload, why it cannot be a
     * record, or returns null when its shape is right. Cheap on purpose: recovery asks it at
     * every offset of a damaged stretch before it spends a checksum.
     *
     * @param op the payload's first byte
     * @param length the payload length from the frame, at least 1
     * @param intAt reads an int of the payload
     * @return the problem, or null
     * @throws IOException if reading fails
     */
    static String shapeProblem(byte op, int length, IntAt intAt) throws IOException {
        switch (op) {
            case PUT -> {
                if (length < PUT_FIXED_BYTES) {
                    return "a put of " + length + " bytes is shorter than its fixed fields";
                }
                int keyLength = intAt.read(1);
                if (keyLength < 0 || keyLength > length - PUT_FIXED_BYTES) {
                    return "a put's key length " + keyLength + " does not fit its " + length + " bytes";
                }
                int valueLength = intAt.read(PUT_VALUE_LENGTH_AFTER_KEY + keyLength);
                if (valueLength != length - PUT_FIXED_BYTES - keyLength) {
                    return "a put's value length " + valueLength + " does not fit its " + length + " bytes";
                }
                return null;
            }
            case REMOVE -> {
                if (length < REMOVE_FIXED_BYTES) {
                    return "a removal of " + length + " bytes is shorter than its fixed fields";
                }
                int keyLength = intAt.read(1);
                return keyLength == length - REMOVE_FIXED_BYTES
                        ? null
                        : "a removal's key length " + keyLength + " does not fit its " + length + " bytes";
            }
            case FLUSH -> {
                return length == FLUSH_BYTES ? null : "a flush of " + length + " bytes, not " + FLUSH_BYTES;
            }
            case CAS_FLOOR -> {
                return length == CAS_FLOOR_BYTES ? null : "a token floor of " + length + " bytes, not " + CAS_FLOOR_BYTES;
            }
            default -> {
                return "unknown operation " + op;
            }
        }
    }

    /**
     * Decodes a payload whose checksum matched.
     *
     * @param bytes holds the payload
     * @param offset where it starts
     * @param length how long it is
     * @return the record
     * @throws MalformedRecordException if it does not follow the grammar
     */
    static LogRecord decode(byte[] bytes, int offset, int length) throws MalformedRecordException {
        ByteBuffer buf = ByteBuffer.wrap(bytes, offset, length).slice();
        try {
            String problem = shapeProblem(buf.get(0), length, buf::getInt);
            if (problem != null) {
                throw new MalformedRecordException(problem);
            }
            byte op = buf.get();
            return switch (op) {
                case PUT -> {
                    byte[] key = new byte[buf.getInt()];
                    buf.get(key);
                    int flags = buf.getInt();
                    long expiresAt = buf.getLong();
                    long cas = buf.getLong();
                    long writtenAt = buf.getLong();
                    byte[] value = new byte[buf.getInt()];
                    buf.get(value);
                    yield new LogRecord.Put(key, new Item(value, flags, expiresAt, cas), writtenAt);
                }
                case REMOVE -> {
                    byte[] key = new byte[buf.getInt()];
                    buf.get(key);
                    yield new LogRecord.Remove(key);
                }
                case FLUSH -> new LogRecord.Flush(new FlushSchedule(buf.getLong(), buf.getLong(), buf.getLong()));
                case CAS_FLOOR -> new LogRecord.CasFloor(buf.getLong());
                default -> throw new MalformedRecordException("unknown operation " + op);
            };
        } catch (IOException | RuntimeException e) {
            // shapeProblem reads from memory here and cannot fail; a buffer underflow would be a
            // gap in the checks above, and still means this payload is not a record.
            throw new MalformedRecordException("unreadable payload: " + e);
        }
    }

    /**
     * Computes the CRC-32C of a range.
     *
     * @param bytes the bytes
     * @param offset where the range starts
     * @param length how long it is
     * @return the checksum
     */
    static int checksum(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
