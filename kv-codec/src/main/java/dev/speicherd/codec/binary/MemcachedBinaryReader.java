package dev.speicherd.codec.binary;

import dev.speicherd.api.WriteMode;
import dev.speicherd.codec.InputDemand;
import dev.speicherd.codec.KeySpan;
import dev.speicherd.codec.ProtocolException;
import dev.speicherd.codec.binary.BinaryCommand.ReplyTo;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads memcached binary-protocol requests from a stream, one {@link #read} per request. A
 * request is a 24-byte header, then a body of {@code extras | key | value}:
 *
 * <pre>
 * byte  0     magic 0x80        1     opcode
 *       2..3  key length        4     extras length
 *       5     data type         6..7  vbucket (ignored, as memcached ignores it)
 *       8..11 total body length 12..15 opaque
 *       16..23 cas
 * </pre>
 *
 * <p>Errors follow memcached 1.6.18. A header whose magic is not 0x80 throws {@link
 * ProtocolException.BrokenStream}: memcached closes without a word. A request whose sizes do not
 * add up, do not fit its opcode, or whose key is over {@link #MAX_KEY_BYTES}, is read as {@link
 * BinaryCommand.Malformed}, which memcached answers and then closes. An unknown opcode's body,
 * and a value over the item limit, are skipped unread, so the stream stays in step. Nothing over
 * the item limit plus a key and extras is ever allocated, and a body over {@link
 * #MAX_BODY_BYTES} is not even skipped.
 *
 * <p>Not thread-safe: one reader per connection.
 */
public final class MemcachedBinaryReader {

    /** The first byte of every request. */
    public static final int REQUEST_MAGIC = 0x80;
    /** The size of a request header. */
    public static final int HEADER_BYTES = 24;
    /** The longest key, as memcached's {@code KEY_MAX_LENGTH}; the header allows 65,535. */
    public static final int MAX_KEY_BYTES = 250;
    /**
     * The longest body skipped or read: a 32-bit body length above this is absurd (memcached's
     * own int arithmetic goes negative there) and the request is refused as too large, and the
     * connection closed, rather than read for up to 4 GiB.
     */
    public static final long MAX_BODY_BYTES = Integer.MAX_VALUE;

    /** Room for a header, the longest extras (255) and the longest key, many times over. */
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int SET_EXTRAS = 8;
    private static final int ARITHMETIC_EXTRAS = 20;
    private static final int EXPIRATION_EXTRAS = 4;
    private static final int VERBOSITY_EXTRAS = 4;

    private final InputStream in;
    private final int maxItemBytes;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private int limit;

    // The header of the request being read.
    private ReplyTo to;
    private Opcode opcode;
    private int keyLength;
    private int extrasLength;
    private long bodyLength;
    private long cas;

    /**
     * Creates a reader.
     *
     * @param in the connection's input
     * @param maxItemBytes the largest value a storage command may carry
     */
    public MemcachedBinaryReader(InputStream in, int maxItemBytes) {
        this.in = in;
        this.maxItemBytes = maxItemBytes;
    }

    /**
     * Reads the next request.
     *
     * @return the command, or {@code null} when the client closed the connection between requests
     * @throws ProtocolException.BrokenStream when the magic byte is not {@link #REQUEST_MAGIC}
     * @throws EOFException when the client closed the connection inside a request
     * @throws IOException when reading fails
     */
    public BinaryCommand read() throws IOException {
        if (!fillTo(HEADER_BYTES, true)) {
            return null;
        }
        int magic = u8(0);
        if (magic != REQUEST_MAGIC) {
            throw new ProtocolException.BrokenStream(String.format("bad magic byte 0x%02x", magic));
        }
        int code = u8(1);
        opcode = Opcode.of(code);
        keyLength = u16(2);
        extrasLength = u8(4);
        bodyLength = Integer.toUnsignedLong(i32(8));
        to = new ReplyTo(code, i32(12));
        cas = i64(16);
        pos += HEADER_BYTES;
        if (bodyLength > MAX_BODY_BYTES) {
            return malformed(BinaryStatus.VALUE_TOO_LARGE);
        }
        if (keyLength + extrasLength > bodyLength) {
            return malformed(BinaryStatus.UNKNOWN_COMMAND); // memcached's answer to this
        }
        if (keyLength > MAX_KEY_BYTES) {
            return malformed(BinaryStatus.INVALID_ARGUMENTS);
        }
        if (opcode == null) {
            skip(bodyLength);
            return new BinaryCommand.Unknown(to);
        }
        return switch (opcode) {
            case GET, GETQ, GETK, GETKQ -> get();
            case GAT, GATQ, GATK, GATKQ -> getAndTouch();
            case TOUCH -> touch();
            case SET, SETQ -> store(WriteMode.SET);
            case ADD, ADDQ -> store(WriteMode.ADD);
            case REPLACE, REPLACEQ -> store(WriteMode.REPLACE);
            case APPEND, APPENDQ -> concatenate(WriteMode.APPEND);
            case PREPEND, PREPENDQ -> concatenate(WriteMode.PREPEND);
            case DELETE, DELETEQ -> delete();
            case INCREMENT, INCREMENTQ -> arithmetic(false);
            case DECREMENT, DECREMENTQ -> arithmetic(true);
            case FLUSH, FLUSHQ -> flush();
            case STAT -> stat();
            case NOOP -> empty() ? new BinaryCommand.NoOp(to) : invalid();
            case VERSION -> empty() ? new BinaryCommand.Version(to) : invalid();
            case QUIT, QUITQ -> empty() ? new BinaryCommand.Quit(to, opcode.quiet) : invalid();
            case VERBOSITY -> verbosity();
            case SASL_LIST_MECHS -> empty() ? new BinaryCommand.Unknown(to) : invalid();
            case SASL_AUTH, SASL_STEP -> sasl();
        };
    }

    /**
     * Returns how many bytes this reader has taken from the stream and not yet parsed: where the
     * next request begins is that many bytes before the stream's position. When it is 0, no
     * request is buffered here and the caller flushes its answers; the socket is not asked, which
     * would be a system call per request.
     *
     * @return bytes
     */
    public int unread() {
        return limit - pos;
    }

    /**
     * Forgets the bytes taken from the stream and not yet parsed, and any request half read: for
     * a caller that rewinds the stream to where the next request begins, and reads it again once
     * more of it has arrived.
     */
    public void forgetUnread() {
        pos = limit = 0;
    }

    /**
     * Where the key of the request that starts at {@code from} lies, if it has one and it ends
     * before {@code to}; else {@link KeySpan#NONE}. For a server that loads what the key's lookup
     * will touch before it reads the request: nothing is checked beyond finding the key, and the
     * request is then read as any other, whatever this said.
     */
    public static long keyOfNext(byte[] bytes, int from, int to) {
        if (to - from < HEADER_BYTES || (bytes[from] & 0xFF) != REQUEST_MAGIC) {
            return KeySpan.NONE;
        }
        int keyLength = (bytes[from + 2] & 0xFF) << 8 | bytes[from + 3] & 0xFF;
        int key = from + HEADER_BYTES + (bytes[from + 4] & 0xFF);
        if (keyLength == 0 || keyLength > MAX_KEY_BYTES || key + keyLength > to) {
            return KeySpan.NONE;
        }
        return KeySpan.of(key, keyLength);
    }

    // ---- requests, checked as memcached's dispatch_bin_command checks them

    private BinaryCommand get() throws IOException {
        if (extrasLength != 0 || keyLength == 0 || bodyLength != keyLength) {
            return invalid();
        }
        boolean withKey = opcode == Opcode.GETK || opcode == Opcode.GETKQ;
        return new BinaryCommand.Get(to, key(), withKey, opcode.quiet);
    }

    private BinaryCommand getAndTouch() throws IOException {
        if (!keyAndExpiration()) {
            return invalid();
        }
        long exptime = u32Extra();
        boolean withKey = opcode == Opcode.GATK || opcode == Opcode.GATKQ;
        return new BinaryCommand.GetAndTouch(to, key(), exptime, withKey, opcode.quiet);
    }

    private BinaryCommand touch() throws IOException {
        if (!keyAndExpiration()) {
            return invalid();
        }
        long exptime = u32Extra();
        return new BinaryCommand.Touch(to, key(), exptime);
    }

    /**
     * memcached asks only for extras and a key here, and would read a longer body as the next
     * request; speicherd refuses it instead of losing step.
     */
    private boolean keyAndExpiration() {
        return extrasLength == EXPIRATION_EXTRAS && keyLength > 0 && bodyLength == keyLength + EXPIRATION_EXTRAS;
    }

    private BinaryCommand store(WriteMode mode) throws IOException {
        if (extrasLength != SET_EXTRAS || keyLength == 0) {
            return invalid();
        }
        fillTo(SET_EXTRAS, false);
        int flags = i32(0);
        long exptime = Integer.toUnsignedLong(i32(4));
        pos += SET_EXTRAS;
        byte[] key = key();
        long valueLength = bodyLength - SET_EXTRAS - keyLength;
        if (valueLength > maxItemBytes) {
            skip(valueLength);
            return new BinaryCommand.TooLarge(to, mode, key);
        }
        return new BinaryCommand.Store(to, mode, key, flags, exptime, cas, value((int) valueLength), opcode.quiet);
    }

    private BinaryCommand concatenate(WriteMode mode) throws IOException {
        if (extrasLength != 0 || keyLength == 0) {
            return invalid();
        }
        byte[] key = key();
        long valueLength = bodyLength - keyLength;
        if (valueLength > maxItemBytes) {
            skip(valueLength);
            return new BinaryCommand.TooLarge(to, mode, key);
        }
        return new BinaryCommand.Store(to, mode, key, 0, 0, cas, value((int) valueLength), opcode.quiet);
    }

    private BinaryCommand delete() throws IOException {
        if (extrasLength != 0 || keyLength == 0 || bodyLength != keyLength) {
            return invalid();
        }
        return new BinaryCommand.Delete(to, key(), cas, opcode.quiet);
    }

    private BinaryCommand arithmetic(boolean decrement) throws IOException {
        if (extrasLength != ARITHMETIC_EXTRAS || keyLength == 0 || bodyLength != keyLength + ARITHMETIC_EXTRAS) {
            return invalid();
        }
        fillTo(ARITHMETIC_EXTRAS, false);
        long delta = i64(0);
        long initial = i64(8);
        long exptime = Integer.toUnsignedLong(i32(16));
        pos += ARITHMETIC_EXTRAS;
        return new BinaryCommand.Arithmetic(to, key(), decrement, delta, initial, exptime, cas, opcode.quiet);
    }

    private BinaryCommand flush() throws IOException {
        if (keyLength != 0 || bodyLength != extrasLength || (extrasLength != 0 && extrasLength != EXPIRATION_EXTRAS)) {
            return invalid();
        }
        long exptime = extrasLength == 0 ? 0 : u32Extra();
        return new BinaryCommand.Flush(to, exptime, opcode.quiet);
    }

    private BinaryCommand stat() throws IOException {
        if (extrasLength != 0 || bodyLength != keyLength) {
            return invalid();
        }
        return new BinaryCommand.Stat(to, new String(key(), StandardCharsets.UTF_8));
    }

    private BinaryCommand verbosity() throws IOException {
        if (keyLength != 0 || extrasLength != VERBOSITY_EXTRAS || bodyLength != VERBOSITY_EXTRAS) {
            return invalid();
        }
        skip(VERBOSITY_EXTRAS); // the level: logging is configured at start
        return new BinaryCommand.Verbosity(to);
    }

    /** memcached without SASL checks an auth request's shape, then answers "unknown command". */
    private BinaryCommand sasl() throws IOException {
        if (extrasLength != 0 || keyLength == 0) {
            return invalid();
        }
        skip(bodyLength);
        return new BinaryCommand.Unknown(to);
    }

    private boolean empty() {
        return keyLength == 0 && extrasLength == 0 && bodyLength == 0;
    }

    private BinaryCommand invalid() {
        return malformed(BinaryStatus.INVALID_ARGUMENTS);
    }

    private BinaryCommand malformed(BinaryStatus status) {
        return new BinaryCommand.Malformed(to, status);
    }

    // ---- bytes

    /** A 4-byte expiration extra, consumed. */
    private long u32Extra() throws IOException {
        fillTo(EXPIRATION_EXTRAS, false);
        long value = Integer.toUnsignedLong(i32(0));
        pos += EXPIRATION_EXTRAS;
        return value;
    }

    private byte[] key() throws IOException {
        fillTo(keyLength, false);
        byte[] key = new byte[keyLength];
        System.arraycopy(buf, pos, key, 0, keyLength);
        pos += keyLength;
        return key;
    }

    /** Reads a value of {@code length} bytes, at most the item limit: the caller checked. */
    private byte[] value(int length) throws IOException {
        InputDemand.require(in, (long) length - (limit - pos)); // before allocating
        byte[] value = new byte[length];
        int buffered = Math.min(length, limit - pos);
        System.arraycopy(buf, pos, value, 0, buffered);
        pos += buffered;
        if (buffered < length) {
            int n = in.readNBytes(value, buffered, length - buffered);
            if (n < length - buffered) {
                throw new EOFException("end of stream after " + (buffered + n) + " of " + length + " value bytes");
            }
        }
        return value;
    }

    private void skip(long n) throws IOException {
        int buffered = (int) Math.min(n, limit - pos);
        pos += buffered;
        long rest = n - buffered;
        if (rest > 0) {
            try {
                in.skipNBytes(rest);
            } catch (EOFException e) {
                throw new EOFException("end of stream inside a skipped body of " + n + " bytes");
            }
        }
    }

    /**
     * Makes {@code n} bytes (at most the buffer) available from {@code pos}; false when the
     * stream ends before the first of them and {@code clean} says that is a proper end.
     */
    private boolean fillTo(int n, boolean clean) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
        while (limit < n) {
            int read = in.read(buf, limit, buf.length - limit);
            if (read < 0) {
                if (clean && limit == 0) {
                    return false;
                }
                throw new EOFException("end of stream after " + limit + " of " + n + " bytes");
            }
            limit += read;
        }
        return true;
    }

    private int u8(int offset) {
        return buf[pos + offset] & 0xFF;
    }

    private int u16(int offset) {
        return u8(offset) << 8 | u8(offset + 1);
    }

    private int i32(int offset) {
        return u16(offset) << 16 | u16(offset + 2);
    }

    private long i64(int offset) {
        return (long) i32(offset) << 32 | Integer.toUnsignedLong(i32(offset + 4));
    }
}
