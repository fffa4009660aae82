package dev.speicherd.server.memcached;

import dev.speicherd.api.CounterResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.Store;
import dev.speicherd.api.WriteMode;
import dev.speicherd.api.WriteResult;
import dev.speicherd.codec.memcached.MemcachedCommand.Meta;
import dev.speicherd.codec.memcached.MemcachedCommand.MetaFlag;
import dev.speicherd.codec.memcached.MemcachedTextWriter;
import dev.speicherd.codec.memcached.MemcachedWords;
import dev.speicherd.server.Expiry;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.ConnectionStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Carries out memcached's meta commands ({@code mg ms md ma me mn}). Return flags are written in
 * the order the client asked for them; {@code q} leaves out the answers protocol.txt lets it
 * leave out ({@code EN} of {@code mg}, {@code HD} of {@code ms md ma}), while {@code mn} marks
 * the end of a quiet pipeline.
 */
final class MetaDispatch {

    private static final byte[] EMPTY = new byte[0];

    private final ServerContext context;
    private final Store store;
    private final ConnectionStats stats;
    private final MemcachedTextWriter writer;

    MetaDispatch(ServerContext context, ConnectionStats stats, MemcachedTextWriter writer) {
        this.context = context;
        this.store = context.store();
        this.stats = stats;
        this.writer = writer;
    }

    void execute(Meta meta) throws IOException {
        try {
            switch (meta.verb()) {
                case GET -> get(meta);
                case SET -> set(meta);
                case DELETE -> delete(meta);
                case ARITHMETIC -> arithmetic(meta);
                case DEBUG -> debug(meta);
                case NOOP -> writer.write(MemcachedWords.META_NOOP);
            }
        } catch (BadToken e) {
            writer.clientError(e.getMessage());
        }
    }

    private void get(Meta meta) throws IOException, BadToken {
        long now = context.clock().millis();
        stats.cmdGet.increment();
        Lookup lookup;
        if (meta.has('T')) {
            stats.cmdTouch.increment();
            lookup = store.touch(meta.key(), Expiry.expiresAt(number(meta, 'T'), now));
            (lookup instanceof Lookup.Hit ? stats.touchHits : stats.touchMisses).increment();
        } else {
            lookup = store.get(meta.key());
        }
        boolean won = false;
        if (lookup instanceof Lookup.Miss && meta.has('N')) {
            long expiresAt = Expiry.expiresAt(number(meta, 'N'), now);
            if (store.write(WriteMode.ADD, meta.key(), EMPTY, 0, expiresAt, Store.ANY_CAS)
                    instanceof WriteResult.Stored(long cas)) {
                lookup = new Lookup.Hit(new Item(EMPTY, 0, expiresAt, cas));
                won = true;
            } else {
                lookup = store.get(meta.key());
            }
        }
        if (!(lookup instanceof Lookup.Hit(Item item))) {
            stats.getMisses.increment();
            if (!meta.has('q')) {
                writer.write(MemcachedWords.META_MISS);
            }
            return;
        }
        stats.getHits.increment();
        StringBuilder line = new StringBuilder(meta.has('v') ? MemcachedWords.META_VALUE + " " + item.value().length
                : MemcachedWords.META_STORED);
        for (MetaFlag flag : meta.flags()) {
            switch (flag.name()) {
                case 'c' -> line.append(" c").append(Long.toUnsignedString(item.cas()));
                case 'f' -> line.append(" f").append(Integer.toUnsignedString(item.flags()));
                case 's' -> line.append(" s").append(item.value().length);
                case 't' -> line.append(" t").append(Expiry.secondsLeft(item.expiresAt(), now));
                default -> echo(meta, flag, line);
            }
        }
        finishKey(meta, line);
        if (won) {
            line.append(" W");
        }
        writer.line(line.toString());
        if (meta.has('v')) {
            writer.block(item.value());
        }
    }

    private void set(Meta meta) throws IOException, BadToken {
        stats.cmdSet.increment();
        WriteMode mode = mode(meta);
        long expected = meta.has('C') ? unsigned(meta, 'C') : Store.ANY_CAS;
        int flags = meta.has('F') ? (int) unsignedBounded(meta, 'F', 0xFFFF_FFFFL) : 0;
        long expiresAt = meta.has('T') ? Expiry.expiresAt(number(meta, 'T'), context.clock().millis()) : Item.NEVER;
        WriteResult result = store.write(mode, meta.key(), meta.value(), flags, expiresAt, expected);
        String code = switch (result) {
            case WriteResult.Stored stored -> MemcachedWords.META_STORED;
            case WriteResult.NotStored notStored -> MemcachedWords.META_NOT_STORED;
            case WriteResult.Exists exists -> MemcachedWords.META_EXISTS;
            case WriteResult.NotFound notFound -> MemcachedWords.META_NOT_FOUND;
        };
        if (meta.has('C')) {
            (result instanceof WriteResult.Stored ? stats.casHits
                    : result instanceof WriteResult.Exists ? stats.casBadval : stats.casMisses).increment();
        }
        if (result instanceof WriteResult.Stored && meta.has('q')) {
            return;
        }
        StringBuilder line = new StringBuilder(code);
        for (MetaFlag flag : meta.flags()) {
            if (flag.name() == 'c') {
                if (result instanceof WriteResult.Stored(long cas)) {
                    line.append(" c").append(Long.toUnsignedString(cas));
                }
            } else {
                echo(meta, flag, line);
            }
        }
        finishKey(meta, line);
        writer.line(line.toString());
    }

    private void delete(Meta meta) throws IOException, BadToken {
        long expected = meta.has('C') ? unsigned(meta, 'C') : Store.ANY_CAS;
        String code = switch (store.delete(meta.key(), expected)) {
            case DELETED -> {
                stats.deleteHits.increment();
                yield MemcachedWords.META_STORED;
            }
            case NOT_FOUND -> {
                stats.deleteMisses.increment();
                yield MemcachedWords.META_NOT_FOUND;
            }
            case EXISTS -> MemcachedWords.META_EXISTS;
        };
        if (code.equals(MemcachedWords.META_STORED) && meta.has('q')) {
            return;
        }
        StringBuilder line = new StringBuilder(code);
        for (MetaFlag flag : meta.flags()) {
            echo(meta, flag, line);
        }
        finishKey(meta, line);
        writer.line(line.toString());
    }

    private void arithmetic(Meta meta) throws IOException, BadToken {
        boolean decrement = switch (meta.has('M') ? meta.token('M') : "I") {
            case "I", "i", "+" -> false;
            case "D", "d", "-" -> true;
            default -> throw new BadToken("invalid mode for ma M token");
        };
        long delta = meta.has('D') ? unsigned(meta, 'D') : 1;
        CounterResult.Vivify vivify = null;
        if (meta.has('N')) {
            long initial = meta.has('J') ? unsigned(meta, 'J') : 0;
            vivify = new CounterResult.Vivify(initial, Expiry.expiresAt(number(meta, 'N'), context.clock().millis()));
        }
        long expected = meta.has('C') ? unsigned(meta, 'C') : Store.ANY_CAS;
        CounterResult result = store.adjust(meta.key(), delta, decrement, vivify, expected);
        if (!(result instanceof CounterResult.Exists)) { // a failed compare-and-swap is no hit or miss
            boolean hit = result instanceof CounterResult.Counted;
            (decrement ? (hit ? stats.decrHits : stats.decrMisses) : (hit ? stats.incrHits : stats.incrMisses))
                    .increment();
        }
        switch (result) {
            case CounterResult.NotFound notFound -> writer.line(MemcachedWords.META_NOT_FOUND + echoes(meta));
            case CounterResult.NonNumeric nonNumeric -> writer.write(MemcachedWords.NON_NUMERIC);
            case CounterResult.Exists exists -> writer.line(MemcachedWords.META_EXISTS + echoes(meta));
            case CounterResult.Counted counted -> counted(meta, counted);
        }
    }

    private void counted(Meta meta, CounterResult.Counted counted) throws IOException {
        if (meta.has('q') && !meta.has('v')) {
            return;
        }
        byte[] value = Long.toUnsignedString(counted.value()).getBytes(StandardCharsets.US_ASCII);
        StringBuilder line = new StringBuilder(meta.has('v') ? MemcachedWords.META_VALUE + " " + value.length
                : MemcachedWords.META_STORED);
        for (MetaFlag flag : meta.flags()) {
            switch (flag.name()) {
                case 'c' -> line.append(" c").append(Long.toUnsignedString(counted.cas()));
                case 't' -> line.append(" t").append(secondsLeft(meta.key()));
                default -> echo(meta, flag, line);
            }
        }
        finishKey(meta, line);
        writer.line(line.toString());
        if (meta.has('v')) {
            writer.block(value);
        }
    }

    /** The TTL after a counter change: the change keeps the expiry, so a read after it shows it. */
    private long secondsLeft(byte[] key) {
        long now = context.clock().millis();
        return store.get(key) instanceof Lookup.Hit(Item item) ? Expiry.secondsLeft(item.expiresAt(), now) : -1;
    }

    private void debug(Meta meta) throws IOException {
        long now = context.clock().millis();
        if (!(store.get(meta.key()) instanceof Lookup.Hit(Item item))) {
            writer.write(MemcachedWords.META_MISS);
            return;
        }
        writer.line("ME " + keyText(meta) + " exp=" + Expiry.secondsLeft(item.expiresAt(), now)
                + " cas=" + Long.toUnsignedString(item.cas()) + " size=" + item.value().length);
    }

    /** The flags every meta command returns as sent: the opaque token and the key. */
    private static void echo(Meta meta, MetaFlag flag, StringBuilder line) {
        switch (flag.name()) {
            case 'O' -> line.append(" O").append(flag.token());
            case 'k' -> line.append(" k").append(keyText(meta));
            default -> { }
        }
    }

    private static String echoes(Meta meta) {
        StringBuilder line = new StringBuilder();
        for (MetaFlag flag : meta.flags()) {
            echo(meta, flag, line);
        }
        finishKey(meta, line);
        return line.toString();
    }

    /** A base64 key is returned base64, marked with {@code b} after the other flags. */
    private static void finishKey(Meta meta, StringBuilder line) {
        if (meta.has('b') && meta.has('k')) {
            line.append(" b");
        }
    }

    private static String keyText(Meta meta) {
        return meta.has('b') ? Base64.getEncoder().encodeToString(meta.key())
                : new String(meta.key(), StandardCharsets.UTF_8);
    }

    private static WriteMode mode(Meta meta) throws BadToken {
        if (!meta.has('M')) {
            return WriteMode.SET;
        }
        return switch (meta.token('M')) {
            case "S", "s" -> WriteMode.SET;
            case "E", "e" -> WriteMode.ADD;
            case "A", "a" -> WriteMode.APPEND;
            case "P", "p" -> WriteMode.PREPEND;
            case "R", "r" -> WriteMode.REPLACE;
            default -> throw new BadToken("invalid mode for ms M token");
        };
    }

    /** A signed 32-bit number token, as TTLs are. */
    private static long number(Meta meta, char flag) throws BadToken {
        try {
            return Integer.parseInt(meta.token(flag));
        } catch (NumberFormatException e) {
            throw new BadToken("bad token in command line format");
        }
    }

    private static long unsigned(Meta meta, char flag) throws BadToken {
        String token = meta.token(flag);
        try {
            if (token.isEmpty() || token.charAt(0) == '+') {
                throw new NumberFormatException();
            }
            return Long.parseUnsignedLong(token);
        } catch (NumberFormatException e) {
            throw new BadToken("bad token in command line format");
        }
    }

    private static long unsignedBounded(Meta meta, char flag, long max) throws BadToken {
        long value = unsigned(meta, flag);
        if (Long.compareUnsigned(value, max) > 0) {
            throw new BadToken("bad token in command line format");
        }
        return value;
    }

    /** A flag's token is not what the flag takes: answered {@code CLIENT_ERROR}, nothing done. */
    private static final class BadToken extends Exception {
        BadToken(String message) {
            super(message, null, false, false);
        }
    }
}
