package dev.speicherd.codec.memcached;

import dev.speicherd.api.WriteMode;
import dev.speicherd.codec.InputDemand;
import dev.speicherd.codec.KeySpan;
import dev.speicherd.codec.ProtocolException;
import dev.speicherd.codec.memcached.MemcachedCommand.MetaFlag;
import dev.speicherd.codec.memcached.MemcachedCommand.MetaVerb;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads memcached text-protocol requests from a stream, one {@link #read} per command: the
 * command line, and for storage commands the data block after it.
 *
 * <p>Errors follow memcached 1.6.18: a malformed line throws {@link
 * ProtocolException.MalformedRequest} whose message is what follows {@code CLIENT_ERROR}, and
 * the stream stays in step (a storage command with a bad line does not swallow its data, as in
 * memcached); an unknown command is {@link MemcachedCommand.Unknown}; a data block over the item
 * size limit is skipped and read as {@link MemcachedCommand.TooLarge}; a line longer than {@link
 * #MAX_LINE_BYTES} throws {@link ProtocolException.BrokenStream}, since where the next request
 * starts is lost. Lines end in {@code \r\n}; a bare {@code \n} is accepted, as memcached does.
 *
 * <p>Not thread-safe: one reader per connection.
 */
public final class MemcachedTextReader {

    /** The longest key, as memcached's {@code KEY_MAX_LENGTH}. */
    public static final int MAX_KEY_BYTES = 250;
    /**
     * The longest command line, without its line end. It bounds the keys of one multi-get: 1 MiB
     * holds some 4,000 keys of 250 bytes or 100,000 of 10. memcached reads get lines of any
     * length and other lines up to 2,048 bytes; one bound is simpler and still keeps a client from
     * making us buffer without end.
     */
    public static final int MAX_LINE_BYTES = 1024 * 1024;

    private static final int INITIAL_BUFFER_BYTES = 16 * 1024;

    private static final String BAD_FORMAT = "bad command line format";
    private static final String BAD_DELETE = "bad command line format.  Usage: delete <key> [noreply]";
    private static final String BAD_DELTA = "invalid numeric delta argument";
    private static final String BAD_EXPTIME = "invalid exptime argument";
    private static final String BAD_CHUNK = "bad data chunk";
    private static final String NOREPLY = "noreply";

    private final InputStream in;
    private final int maxItemBytes;
    private byte[] buf = new byte[INITIAL_BUFFER_BYTES];
    private int pos;
    private int limit;

    private int lineStart;
    private int lineEnd;
    private int[] tokenStart = new int[8];
    private int[] tokenEnd = new int[8];
    private int tokens;

    /**
     * Creates a reader.
     *
     * @param in the connection's input
     * @param maxItemBytes the largest data block a storage command may carry
     */
    public MemcachedTextReader(InputStream in, int maxItemBytes) {
        this.in = in;
        this.maxItemBytes = maxItemBytes;
    }

    /**
     * Reads the next command.
     *
     * @return the command, or {@code null} when the client closed the connection between commands
     * @throws ProtocolException.MalformedRequest for a malformed request; the stream is in step
     * @throws ProtocolException.BrokenStream for a line over {@link #MAX_LINE_BYTES}
     * @throws EOFException when the client closed the connection inside a data block
     * @throws IOException when reading fails
     */
    public MemcachedCommand read() throws IOException {
        if (pos == limit && buf.length > INITIAL_BUFFER_BYTES) {
            buf = new byte[INITIAL_BUFFER_BYTES]; // a long line is over: do not keep its buffer
            pos = limit = 0;
        }
        if (!readLine()) {
            return null;
        }
        tokenize();
        if (tokens == 0) {
            return new MemcachedCommand.Unknown();
        }
        return switch (Verb.of(buf, tokenStart[0], tokenEnd[0])) {
            case GET -> get(false, false);
            case GETS -> get(true, false);
            case GAT -> get(false, true);
            case GATS -> get(true, true);
            case SET -> store(WriteMode.SET, false);
            case ADD -> store(WriteMode.ADD, false);
            case REPLACE -> store(WriteMode.REPLACE, false);
            case APPEND -> store(WriteMode.APPEND, false);
            case PREPEND -> store(WriteMode.PREPEND, false);
            case CAS -> store(WriteMode.SET, true);
            case DELETE -> delete();
            case INCR -> arithmetic(false);
            case DECR -> arithmetic(true);
            case TOUCH -> touch();
            case MG -> meta(MetaVerb.GET);
            case MS -> meta(MetaVerb.SET);
            case MD -> meta(MetaVerb.DELETE);
            case MA -> meta(MetaVerb.ARITHMETIC);
            case ME -> meta(MetaVerb.DEBUG);
            case MN -> new MemcachedCommand.Meta(MetaVerb.NOOP, new byte[0], List.of(), null);
            case FLUSH_ALL -> flushAll();
            case VERSION -> new MemcachedCommand.Version(); // memcached ignores arguments
            case VERBOSITY -> tokens == 2 || tokens == 3 ? new MemcachedCommand.Verbosity(noreply()) : unknown();
            case STATS -> new MemcachedCommand.Stats(tokens == 1 ? "" : text(tokenStart[1], tokenEnd[tokens - 1]));
            case CACHE_MEMLIMIT -> cacheMemlimit();
            case SHUTDOWN -> new MemcachedCommand.Shutdown();
            case QUIT -> new MemcachedCommand.Quit();
            case null -> unknown();
        };
    }

    /**
     * Returns how many bytes this reader has taken from the stream and not yet parsed: where the
     * next command begins is that many bytes before the stream's position. When it is 0, no
     * command is buffered here and the caller flushes its answers; the socket is not asked (that
     * is a system call per command), and a pipeline still leaves in batches of up to a buffer of
     * input.
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
     * Where the key of the request that starts at {@code from} lies, if its command's second word
     * is a key (a get or gets, a storage command, delete, incr, decr, touch, a meta command) and
     * the key ends before {@code to}; else {@link KeySpan#NONE}. Of a get of several keys, the
     * first. For a server that loads what the key's lookup will touch before it reads the
     * request: nothing is checked beyond finding the key, and the request is then read as any
     * other, whatever this said.
     */
    public static long keyOfNext(byte[] bytes, int from, int to) {
        int end = from;
        while (end < to && bytes[end] != ' ') {
            if (end - from == Verb.LONGEST) {
                return KeySpan.NONE;
            }
            end++;
        }
        if (end == to) {
            return KeySpan.NONE;
        }
        Verb verb = Verb.of(bytes, from, end);
        if (verb == null || !verb.keyFollows) {
            return KeySpan.NONE;
        }
        int key = end + 1;
        int last = Math.min(to, key + MAX_KEY_BYTES + 1);
        for (int i = key; i < last; i++) {
            byte b = bytes[i];
            if (b == ' ' || b == '\r' || b == '\n') {
                return i == key ? KeySpan.NONE : KeySpan.of(key, i - key);
            }
        }
        return KeySpan.NONE;
    }

    // ---- commands

    private MemcachedCommand get(boolean withCas, boolean touch) throws IOException {
        int first = touch ? 2 : 1;
        if (tokens <= first) {
            return unknown();
        }
        long exptime = touch ? exptime(1) : 0;
        if (tokens == first + 1) { // nearly every get: no list to grow, no array behind it
            return new MemcachedCommand.Get(List.of(key(first)), withCas, touch, exptime);
        }
        List<byte[]> keys = new ArrayList<>(tokens - first);
        for (int i = first; i < tokens; i++) {
            keys.add(key(i));
        }
        return new MemcachedCommand.Get(keys, withCas, touch, exptime);
    }

    private MemcachedCommand store(WriteMode mode, boolean cas) throws IOException {
        int required = cas ? 6 : 5;
        if (tokens != required && tokens != required + 1) {
            return unknown();
        }
        byte[] key = key(1);
        int flags;
        long exptime;
        long length;
        long casUnique = 0;
        try {
            flags = (int) unsigned(2, 0xFFFF_FFFFL);
            exptime = signed(3);
            length = signed(4);
            if (cas) {
                casUnique = unsigned64(5);
            }
        } catch (NumberFormatException e) {
            throw malformed(BAD_FORMAT);
        }
        if (length < 0 || length > Integer.MAX_VALUE - 2) {
            throw malformed(BAD_FORMAT);
        }
        boolean noreply = noreply();
        if (length > maxItemBytes) {
            skip(length + 2);
            return new MemcachedCommand.TooLarge(key, mode == WriteMode.SET && !cas, noreply);
        }
        byte[] value = data((int) length);
        return new MemcachedCommand.Store(mode, key, flags, exptime, cas, casUnique, value, noreply);
    }

    private MemcachedCommand delete() throws IOException {
        if (tokens < 2 || tokens > 4) {
            return unknown();
        }
        byte[] key = key(1);
        boolean noreply = noreply();
        int extra = tokens - 2 - (noreply ? 1 : 0);
        if (extra > 1 || (extra == 1 && !word(2).equals("0"))) {
            throw malformed(BAD_DELETE);
        }
        return new MemcachedCommand.Delete(key, noreply);
    }

    private MemcachedCommand arithmetic(boolean decrement) throws IOException {
        if (tokens != 3 && tokens != 4) {
            return unknown();
        }
        byte[] key = key(1);
        long delta;
        try {
            delta = unsigned64(2);
        } catch (NumberFormatException e) {
            throw malformed(BAD_DELTA);
        }
        return new MemcachedCommand.Arithmetic(key, delta, decrement, noreply());
    }

    private MemcachedCommand touch() throws IOException {
        if (tokens != 3 && tokens != 4) {
            return unknown();
        }
        byte[] key = key(1);
        return new MemcachedCommand.Touch(key, exptime(2), noreply());
    }

    private MemcachedCommand flushAll() throws IOException {
        boolean noreply = noreply();
        int args = tokens - 1 - (noreply ? 1 : 0);
        if (args > 1) {
            return unknown();
        }
        long delay = 0;
        if (args == 1) {
            try {
                delay = signed(1);
            } catch (NumberFormatException e) {
                throw malformed(BAD_FORMAT);
            }
        }
        return new MemcachedCommand.FlushAll(delay, noreply);
    }

    private MemcachedCommand cacheMemlimit() {
        if (tokens != 2 && tokens != 3) {
            return unknown();
        }
        try {
            return new MemcachedCommand.CacheMemlimit(unsigned(1, Long.MAX_VALUE >> 20), noreply());
        } catch (NumberFormatException e) {
            return unknown(); // memcached answers a bad size with ERROR
        }
    }

    private MemcachedCommand meta(MetaVerb verb) throws IOException {
        boolean set = verb == MetaVerb.SET;
        int firstFlag = set ? 3 : 2;
        if (tokens < firstFlag) {
            if (tokens == 1 && verb != MetaVerb.DEBUG) {
                return unknown(); // memcached answers a keyless mg, ms, md or ma with ERROR
            }
            throw malformed(BAD_FORMAT);
        }
        if (tokenEnd[1] - tokenStart[1] > MAX_KEY_BYTES) {
            throw malformed(BAD_FORMAT);
        }
        long length = 0;
        if (set) {
            try {
                length = signed(2);
            } catch (NumberFormatException e) {
                throw malformed(BAD_CHUNK);
            }
            if (length < 0 || length > Integer.MAX_VALUE - 2) {
                throw malformed(BAD_CHUNK);
            }
        }
        String allowed = MetaFlags.allowed(verb);
        List<MetaFlag> flags = new ArrayList<>(tokens - firstFlag);
        long seen = 0;
        for (int i = firstFlag; i < tokens; i++) {
            char name = (char) (buf[tokenStart[i]] & 0xFF);
            if (allowed.indexOf(name) < 0) {
                throw malformed("invalid flag");
            }
            long bit = 1L << (name - 'A');
            if ((seen & bit) != 0) {
                throw malformed("duplicate flag");
            }
            seen |= bit;
            flags.add(new MetaFlag(name, text(tokenStart[i] + 1, tokenEnd[i])));
        }
        byte[] key = copy(1);
        if ((seen & (1L << ('b' - 'A'))) != 0) {
            try {
                key = Base64.getDecoder().decode(key);
            } catch (IllegalArgumentException e) {
                throw malformed("key is not valid base64");
            }
        }
        checkKey(key);
        byte[] value = null;
        if (set) {
            if (length > maxItemBytes) {
                skip(length + 2);
                return new MemcachedCommand.TooLarge(key, true, false);
            }
            value = data((int) length);
        }
        return new MemcachedCommand.Meta(verb, key, List.copyOf(flags), value);
    }

    // ---- tokens

    private String word(int i) {
        return new String(buf, tokenStart[i], tokenEnd[i] - tokenStart[i], StandardCharsets.ISO_8859_1);
    }

    private String text(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    private boolean noreply() {
        return tokens > 1 && tokenEnd[tokens - 1] - tokenStart[tokens - 1] == NOREPLY.length()
                && word(tokens - 1).equals(NOREPLY);
    }

    private byte[] key(int i) throws ProtocolException {
        if (tokenEnd[i] - tokenStart[i] > MAX_KEY_BYTES) {
            throw malformed(BAD_FORMAT);
        }
        byte[] key = copy(i);
        checkKey(key);
        return key;
    }

    /**
     * Checks a key's length. Like memcached, and unlike what protocol.txt asks of clients, the
     * server takes any bytes but the space and the line end that delimit it: memaslap's keys
     * start with 0x10 bytes, and a base64 meta key may decode to anything.
     */
    private static void checkKey(byte[] key) throws ProtocolException {
        if (key.length == 0 || key.length > MAX_KEY_BYTES) {
            throw malformed(BAD_FORMAT);
        }
    }

    private byte[] copy(int i) {
        byte[] bytes = new byte[tokenEnd[i] - tokenStart[i]];
        System.arraycopy(buf, tokenStart[i], bytes, 0, bytes.length);
        return bytes;
    }

    private long exptime(int i) throws ProtocolException {
        try {
            return signed(i);
        } catch (NumberFormatException e) {
            throw malformed(BAD_EXPTIME);
        }
    }

    /** A decimal number with an optional minus sign that fits 32 signed bits. */
    private long signed(int i) {
        int s = tokenStart[i];
        boolean negative = buf[s] == '-';
        long value = digits(negative ? s + 1 : s, tokenEnd[i], Integer.MAX_VALUE + (negative ? 1L : 0L));
        return negative ? -value : value;
    }

    private long unsigned(int i, long max) {
        return digits(tokenStart[i], tokenEnd[i], max);
    }

    private long unsigned64(int i) {
        int from = tokenStart[i];
        int to = tokenEnd[i];
        if (to - from > 20) {
            throw new NumberFormatException();
        }
        for (int p = from; p < to; p++) {
            if (buf[p] < '0' || buf[p] > '9') {
                throw new NumberFormatException();
            }
        }
        return Long.parseUnsignedLong(new String(buf, from, to - from, StandardCharsets.ISO_8859_1));
    }

    private long digits(int from, int to, long max) {
        if (from >= to || to - from > 19) {
            throw new NumberFormatException();
        }
        long value = 0;
        for (int p = from; p < to; p++) {
            int d = buf[p] - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException();
            }
            value = value * 10 + d;
        }
        if (value > max) {
            throw new NumberFormatException();
        }
        return value;
    }

    private void tokenize() {
        tokens = 0;
        int p = lineStart;
        while (p < lineEnd) {
            while (p < lineEnd && buf[p] == ' ') {
                p++;
            }
            if (p == lineEnd) {
                break;
            }
            int start = p;
            while (p < lineEnd && buf[p] != ' ') {
                p++;
            }
            if (tokens == tokenStart.length) {
                tokenStart = Arrays.copyOf(tokenStart, tokens * 2);
                tokenEnd = Arrays.copyOf(tokenEnd, tokens * 2);
            }
            tokenStart[tokens] = start;
            tokenEnd[tokens] = p;
            tokens++;
        }
    }

    private static MemcachedCommand unknown() {
        return new MemcachedCommand.Unknown();
    }

    private static ProtocolException.MalformedRequest malformed(String message) {
        return new ProtocolException.MalformedRequest(message);
    }

    // ---- bytes

    /** Finds the next line; false at the end of input (a partial last line is dropped). */
    private boolean readLine() throws IOException {
        int scan = pos;
        while (true) {
            for (int p = scan; p < limit; p++) {
                if (buf[p] == '\n') {
                    lineStart = pos;
                    lineEnd = p > pos && buf[p - 1] == '\r' ? p - 1 : p;
                    pos = p + 1;
                    return true;
                }
            }
            if (limit - pos > MAX_LINE_BYTES + 1) {
                throw new ProtocolException.BrokenStream("line too long");
            }
            compact();
            scan = limit;
            if (limit == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_LINE_BYTES + 2));
            }
            if (!fill()) {
                return false;
            }
        }
    }

    private void compact() {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /** Reads a data block of {@code length} bytes and the {@code \r\n} after it. */
    private byte[] data(int length) throws IOException {
        InputDemand.require(in, (long) length + 2 - (limit - pos)); // the block and its \r\n, before allocating
        byte[] data = new byte[length];
        int buffered = Math.min(length, limit - pos);
        System.arraycopy(buf, pos, data, 0, buffered);
        pos += buffered;
        if (buffered < length) {
            int n = in.readNBytes(data, buffered, length - buffered);
            if (n < length - buffered) {
                throw new EOFException("connection closed inside a data block");
            }
        }
        int cr = readByte();
        int lf = readByte();
        if (cr != '\r' || lf != '\n') {
            throw malformed(BAD_CHUNK);
        }
        return data;
    }

    private int readByte() throws IOException {
        if (pos == limit) {
            pos = limit = 0;
            if (!fill()) {
                throw new EOFException("connection closed inside a data block");
            }
        }
        return buf[pos++] & 0xFF;
    }

    private void skip(long n) throws IOException {
        long buffered = Math.min(n, limit - pos);
        pos += (int) buffered;
        if (buffered < n) {
            in.skipNBytes(n - buffered);
        }
    }

    /**
     * The command words, found from the line's first token without making a String of it: most
     * commands are a get or a set, and a String per command was most of what parsing one
     * allocated.
     */
    private enum Verb {
        GET("get", true),
        GETS("gets", true),
        GAT("gat", false),
        GATS("gats", false),
        SET("set", true),
        ADD("add", true),
        REPLACE("replace", true),
        APPEND("append", true),
        PREPEND("prepend", true),
        CAS("cas", true),
        DELETE("delete", true),
        INCR("incr", true),
        DECR("decr", true),
        TOUCH("touch", true),
        MG("mg", true),
        MS("ms", true),
        MD("md", true),
        MA("ma", true),
        ME("me", true),
        MN("mn", false),
        FLUSH_ALL("flush_all", false),
        VERSION("version", false),
        VERBOSITY("verbosity", false),
        STATS("stats", false),
        CACHE_MEMLIMIT("cache_memlimit", false),
        SHUTDOWN("shutdown", false),
        QUIT("quit", false);

        /** Longer than any verb's word. */
        static final int LONGEST = 16;
        private static final Verb[] ALL = values();

        private final byte[] ascii;
        /** Whether the word after this one is a key (the first of several, for a get). */
        private final boolean keyFollows;

        Verb(String word, boolean keyFollows) {
            this.ascii = word.getBytes(StandardCharsets.US_ASCII);
            this.keyFollows = keyFollows;
        }

        /**
         * Returns the verb spelled by {@code bytes[from, to)}, case-sensitively, or null. The
         * length and the first byte rule out all but one or two verbs before their bytes are
         * compared.
         */
        static Verb of(byte[] bytes, int from, int to) {
            int length = to - from;
            for (Verb verb : ALL) {
                byte[] word = verb.ascii;
                if (word.length == length && word[0] == bytes[from] && spells(word, bytes, from)) {
                    return verb;
                }
            }
            return null;
        }

        private static boolean spells(byte[] word, byte[] bytes, int from) {
            for (int i = 1; i < word.length; i++) {
                if (word[i] != bytes[from + i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
