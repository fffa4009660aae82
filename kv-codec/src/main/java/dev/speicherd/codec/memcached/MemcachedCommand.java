package dev.speicherd.codec.memcached;

import dev.speicherd.api.WriteMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A memcached text-protocol request, as {@link MemcachedTextReader} decodes it. Keys are raw
 * bytes (a meta key sent base64 with the {@code b} flag arrives decoded); expiry times are the
 * client's {@code exptime} as sent, for the server to turn into an absolute time with its clock.
 */
public sealed interface MemcachedCommand {

    /** {@code get}/{@code gets} (and, with {@code touchExptime}, {@code gat}/{@code gats}). */
    record Get(List<byte[]> keys, boolean withCas, boolean touch, long touchExptime) implements MemcachedCommand {
        @Override
        public String toString() {
            return "Get[" + keys.size() + " keys, cas=" + withCas + ", touch=" + touch + "]";
        }
    }

    /**
     * {@code set add replace append prepend cas}: the data block has been read already.
     *
     * @param casUnique the client's token for {@code cas}, unused otherwise
     * @param compareAndSwap true for the {@code cas} command
     */
    record Store(WriteMode mode, byte[] key, int flags, long exptime, boolean compareAndSwap, long casUnique,
            byte[] value, boolean noreply) implements MemcachedCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Store s && mode == s.mode && Arrays.equals(key, s.key) && flags == s.flags
                    && exptime == s.exptime && compareAndSwap == s.compareAndSwap && casUnique == s.casUnique
                    && Arrays.equals(value, s.value) && noreply == s.noreply;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Store[" + mode + " " + text(key) + ", " + value.length + " bytes, flags=" + flags + ", exptime="
                    + exptime + (compareAndSwap ? ", cas=" + Long.toUnsignedString(casUnique) : "")
                    + (noreply ? ", noreply" : "") + "]";
        }
    }

    /**
     * A storage command whose data block exceeded the item size limit; the block was skipped.
     *
     * @param key the key it was for
     * @param dropsOldValue whether memcached removes the key's current item for it: a plain
     *     {@code set} and every {@code ms} do, so that a failed update leaves no stale value
     * @param noreply whether the client asked for no answer
     */
    record TooLarge(byte[] key, boolean dropsOldValue, boolean noreply) implements MemcachedCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof TooLarge t && Arrays.equals(key, t.key) && dropsOldValue == t.dropsOldValue
                    && noreply == t.noreply;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "TooLarge[" + text(key) + (dropsOldValue ? ", drops the old value" : "") + "]";
        }
    }

    /** {@code delete <key> [0] [noreply]}. */
    record Delete(byte[] key, boolean noreply) implements MemcachedCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Delete d && Arrays.equals(key, d.key) && noreply == d.noreply;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Delete[" + text(key) + (noreply ? ", noreply" : "") + "]";
        }
    }

    /** {@code incr}/{@code decr}; {@code delta} is 64-bit unsigned. */
    record Arithmetic(byte[] key, long delta, boolean decrement, boolean noreply) implements MemcachedCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Arithmetic a && Arrays.equals(key, a.key) && delta == a.delta
                    && decrement == a.decrement && noreply == a.noreply;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + Long.hashCode(delta);
        }

        @Override
        public String toString() {
            return (decrement ? "Decr[" : "Incr[") + text(key) + " " + Long.toUnsignedString(delta) + "]";
        }
    }

    /** {@code touch <key> <exptime> [noreply]}. */
    record Touch(byte[] key, long exptime, boolean noreply) implements MemcachedCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Touch t && Arrays.equals(key, t.key) && exptime == t.exptime && noreply == t.noreply;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + Long.hashCode(exptime);
        }

        @Override
        public String toString() {
            return "Touch[" + text(key) + " " + exptime + "]";
        }
    }

    /** {@code flush_all [delay] [noreply]}; a delay of 0 or less means now. */
    record FlushAll(long delaySeconds, boolean noreply) implements MemcachedCommand {}

    /** {@code version}. */
    record Version() implements MemcachedCommand {}

    /** {@code verbosity <level> [noreply]}: accepted and answered, as memcached does. */
    record Verbosity(boolean noreply) implements MemcachedCommand {}

    /** {@code stats [group]}; {@code group} is empty for the general statistics. */
    record Stats(String group) implements MemcachedCommand {}

    /** {@code cache_memlimit <megabytes> [noreply]}. */
    record CacheMemlimit(long megabytes, boolean noreply) implements MemcachedCommand {}

    /** {@code shutdown}: memcached refuses it unless started with {@code -A}, and so do we. */
    record Shutdown() implements MemcachedCommand {}

    /** {@code quit}: close the connection. */
    record Quit() implements MemcachedCommand {}

    /** A command word memcached does not know: answered {@code ERROR}. */
    record Unknown() implements MemcachedCommand {}

    /**
     * A meta command ({@code mg ms md ma mn me}).
     *
     * @param verb which one
     * @param key the key (decoded when sent base64); empty for {@code mn}
     * @param flags the flags in the order the client sent them
     * @param value the data block of {@code ms}; {@code null} for the others
     */
    record Meta(MetaVerb verb, byte[] key, List<MetaFlag> flags, byte[] value) implements MemcachedCommand {

        /** Whether the client sent {@code flag}. */
        public boolean has(char flag) {
            for (MetaFlag f : flags) {
                if (f.name() == flag) {
                    return true;
                }
            }
            return false;
        }

        /** The token of {@code flag}, or {@code null} when the client did not send it. */
        public String token(char flag) {
            for (MetaFlag f : flags) {
                if (f.name() == flag) {
                    return f.token();
                }
            }
            return null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Meta m && verb == m.verb && Arrays.equals(key, m.key) && flags.equals(m.flags)
                    && Arrays.equals(value, m.value);
        }

        @Override
        public int hashCode() {
            return verb.hashCode() * 31 + Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Meta[" + verb + " " + text(key) + " " + flags
                    + (value == null ? "" : ", " + value.length + " bytes") + "]";
        }
    }

    /** The meta commands. */
    enum MetaVerb { GET, SET, DELETE, ARITHMETIC, NOOP, DEBUG }

    /**
     * One meta flag: a letter and the token written right after it ({@code T30} is {@code T}
     * with {@code "30"}; {@code v} has the empty token).
     */
    record MetaFlag(char name, String token) {
        @Override
        public String toString() {
            return name + token;
        }
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
