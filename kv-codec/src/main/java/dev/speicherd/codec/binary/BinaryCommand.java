package dev.speicherd.codec.binary;

import dev.speicherd.api.WriteMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A memcached binary-protocol request, as {@link MemcachedBinaryReader} decodes it. Every command
 * carries the {@link ReplyTo} its responses repeat. Expiry times are the client's 32-bit unsigned
 * {@code expiration} as sent, for the server to turn into an absolute time with its clock; a
 * {@code cas} of 0 means "no check", as {@code Store.ANY_CAS} does.
 */
public sealed interface BinaryCommand {

    /**
     * Returns what every response to this request repeats.
     *
     * @return the request's opcode and opaque
     */
    ReplyTo to();

    /**
     * What a response repeats of its request, so that a pipelining client can match them.
     *
     * @param opcode the request's opcode byte, 0..255, quiet or not, known or not
     * @param opaque the client's 32 bits
     */
    record ReplyTo(int opcode, int opaque) {
        @Override
        public String toString() {
            return String.format("0x%02x#%08x", opcode, opaque);
        }
    }

    /**
     * {@code Get GetQ GetK GetKQ}.
     *
     * @param to what the responses repeat
     * @param key the key
     * @param withKey whether the response carries the key ({@code GetK GetKQ})
     * @param quiet whether a miss goes unanswered ({@code GetQ GetKQ})
     */
    record Get(ReplyTo to, byte[] key, boolean withKey, boolean quiet) implements BinaryCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Get g && to.equals(g.to) && Arrays.equals(key, g.key) && withKey == g.withKey
                    && quiet == g.quiet;
        }

        @Override
        public int hashCode() {
            return to.hashCode() * 31 + Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Get[" + to + " " + text(key) + (withKey ? ", withKey" : "") + (quiet ? ", quiet" : "") + "]";
        }
    }

    /**
     * {@code GAT GATQ GATK GATKQ}: a get that also sets the item's expiry.
     *
     * @param to what the responses repeat
     * @param key the key
     * @param exptime the new expiry, 32-bit unsigned
     * @param withKey whether the response carries the key ({@code GATK GATKQ})
     * @param quiet whether a miss goes unanswered ({@code GATQ GATKQ})
     */
    record GetAndTouch(ReplyTo to, byte[] key, long exptime, boolean withKey, boolean quiet)
            implements BinaryCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof GetAndTouch g && to.equals(g.to) && Arrays.equals(key, g.key)
                    && exptime == g.exptime && withKey == g.withKey && quiet == g.quiet;
        }

        @Override
        public int hashCode() {
            return to.hashCode() * 31 + Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "GetAndTouch[" + to + " " + text(key) + " " + exptime + (withKey ? ", withKey" : "")
                    + (quiet ? ", quiet" : "") + "]";
        }
    }

    /**
     * {@code Touch}: sets the item's expiry; the response carries the flags but not the value.
     *
     * @param to what the responses repeat
     * @param key the key
     * @param exptime the new expiry, 32-bit unsigned
     */
    record Touch(ReplyTo to, byte[] key, long exptime) implements BinaryCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Touch t && to.equals(t.to) && Arrays.equals(key, t.key) && exptime == t.exptime;
        }

        @Override
        public int hashCode() {
            return to.hashCode() * 31 + Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Touch[" + to + " " + text(key) + " " + exptime + "]";
        }
    }

    /**
     * {@code Set Add Replace Append Prepend} and their quiet variants; the value has been read.
     *
     * @param to what the responses repeat
     * @param mode the storage condition
     * @param key the key
     * @param flags the client flags; 0 for append and prepend, which carry none
     * @param exptime the expiry, 32-bit unsigned; 0 for append and prepend
     * @param cas the token the live item must have, or 0
     * @param value the value, or the bytes to add for append and prepend
     * @param quiet whether success goes unanswered
     */
    record Store(ReplyTo to, WriteMode mode, byte[] key, int flags, long exptime, long cas, byte[] value,
            boolean quiet) implements BinaryCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Store s && to.equals(s.to) && mode == s.mode && Arrays.equals(key, s.key)
                    && flags == s.flags && exptime == s.exptime && cas == s.cas && Arrays.equals(value, s.value)
                    && quiet == s.quiet;
        }

        @Override
        public int hashCode() {
            return (to.hashCode() * 31 + Arrays.hashCode(key)) * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Store[" + to + " " + mode + " " + text(key) + ", " + value.length + " bytes, flags="
                    + Integer.toUnsignedString(flags) + ", exptime=" + exptime
                    + (cas != 0 ? ", cas=" + Long.toUnsignedString(cas) : "") + (quiet ? ", quiet" : "") + "]";
        }
    }

    /**
     * A storage command whose value is over the item size limit: the value was skipped unread.
     *
     * @param to what the responses repeat
     * @param mode the storage command it was
     * @param key its key
     */
    record TooLarge(ReplyTo to, WriteMode mode, byte[] key) implements BinaryCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof TooLarge t && to.equals(t.to) && mode == t.mode && Arrays.equals(key, t.key);
        }

        @Override
        public int hashCode() {
            return to.hashCode() * 31 + Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "TooLarge[" + to + " " + mode + " " + text(key) + "]";
        }
    }

    /**
     * {@code Delete DeleteQ}.
     *
     * @param to what the responses repeat
     * @param key the key
     * @param cas the token the live item must have, or 0
     * @param quiet whether success goes unanswered
     */
    record Delete(ReplyTo to, byte[] key, long cas, boolean quiet) implements BinaryCommand {
        @Override
        public boolean equals(Object o) {
            return o instanceof Delete d && to.equals(d.to) && Arrays.equals(key, d.key) && cas == d.cas
                    && quiet == d.quiet;
        }

        @Override
        public int hashCode() {
            return to.hashCode() * 31 + Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Delete[" + to + " " + text(key) + (cas != 0 ? ", cas=" + Long.toUnsignedString(cas) : "")
                    + (quiet ? ", quiet" : "") + "]";
        }
    }

    /**
     * {@code Increment Decrement} and their quiet variants.
     *
     * @param to what the responses repeat
     * @param key the key
     * @param decrement true for {@code Decrement}, which stops at 0; increments wrap at 2^64
     * @param delta the 64-bit unsigned amount
     * @param initial the 64-bit unsigned value to create a missing counter with
     * @param exptime the created counter's expiry, 32-bit unsigned; {@link #DO_NOT_CREATE} to
     *     answer a missing key with "not found" instead
     * @param cas the token the live item must have, or 0
     * @param quiet whether success goes unanswered
     */
    record Arithmetic(ReplyTo to, byte[] key, boolean decrement, long delta, long initial, long exptime, long cas,
            boolean quiet) implements BinaryCommand {

        /** The {@code expiration} that tells the server not to create a missing counter. */
        public static final long DO_NOT_CREATE = 0xFFFF_FFFFL;

        /**
         * Tells whether a missing counter is created with {@link #initial}.
         *
         * @return false when {@link #exptime} is {@link #DO_NOT_CREATE}
         */
        public boolean creates() {
            return exptime != DO_NOT_CREATE;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Arithmetic a && to.equals(a.to) && Arrays.equals(key, a.key)
                    && decrement == a.decrement && delta == a.delta && initial == a.initial && exptime == a.exptime
                    && cas == a.cas && quiet == a.quiet;
        }

        @Override
        public int hashCode() {
            return (to.hashCode() * 31 + Arrays.hashCode(key)) * 31 + Long.hashCode(delta);
        }

        @Override
        public String toString() {
            return (decrement ? "Decrement[" : "Increment[") + to + " " + text(key) + " "
                    + Long.toUnsignedString(delta) + (creates() ? ", initial=" + Long.toUnsignedString(initial)
                    + ", exptime=" + exptime : "") + (cas != 0 ? ", cas=" + Long.toUnsignedString(cas) : "")
                    + (quiet ? ", quiet" : "") + "]";
        }
    }

    /**
     * {@code Flush FlushQ}.
     *
     * @param to what the responses repeat
     * @param exptime when to flush, 32-bit unsigned; 0 (or no extras) for now
     * @param quiet whether success goes unanswered
     */
    record Flush(ReplyTo to, long exptime, boolean quiet) implements BinaryCommand {}

    /**
     * {@code Stat}: one response per statistic, then an empty one.
     *
     * @param to what the responses repeat
     * @param group the key: empty for the general statistics, else {@code settings}, {@code
     *     reset}, ...
     */
    record Stat(ReplyTo to, String group) implements BinaryCommand {}

    /**
     * {@code NoOp}: answered, which tells a client every quiet request before it is done.
     *
     * @param to what the response repeats
     */
    record NoOp(ReplyTo to) implements BinaryCommand {}

    /**
     * {@code Version}.
     *
     * @param to what the response repeats
     */
    record Version(ReplyTo to) implements BinaryCommand {}

    /**
     * {@code Verbosity}: accepted and answered; the level is ignored, as the text command's is.
     *
     * @param to what the response repeats
     */
    record Verbosity(ReplyTo to) implements BinaryCommand {}

    /**
     * {@code Quit QuitQ}: answer unless quiet, then close.
     *
     * @param to what the responses repeat
     * @param quiet whether the close goes unanswered
     */
    record Quit(ReplyTo to, boolean quiet) implements BinaryCommand {}

    /**
     * An opcode memcached does not serve, the SASL ones included (memcached without SASL answers
     * them so): answered "unknown command"; its body was skipped, so the stream is in step.
     *
     * @param to what the response repeats
     */
    record Unknown(ReplyTo to) implements BinaryCommand {}

    /**
     * A request whose sizes do not fit its opcode, whose key is over {@link
     * MemcachedBinaryReader#MAX_KEY_BYTES}, or whose body is over {@link
     * MemcachedBinaryReader#MAX_BODY_BYTES}: memcached answers such a request with an error and
     * closes the connection, and so does speicherd. Its body has not been read.
     *
     * @param to what the response repeats
     * @param status the error to answer with
     */
    record Malformed(ReplyTo to, BinaryStatus status) implements BinaryCommand {}

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
