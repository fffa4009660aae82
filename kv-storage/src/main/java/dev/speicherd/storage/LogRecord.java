package dev.speicherd.storage;

import dev.speicherd.api.Item;
import java.util.Arrays;

/**
 * One record of the log: a change of the store's state, as data. The bytes of each kind are
 * given by the grammar in {@link LogStore}; {@link LogFormat} encodes and decodes them.
 */
sealed interface LogRecord {

    /**
     * The key now holds {@code item}; an item that has already expired means the key holds
     * nothing (it is still written, for its token).
     *
     * @param key the key
     * @param item the item, with its absolute expiry and its token
     * @param writtenAt when the item's value was written, which delayed flushes go by
     */
    record Put(byte[] key, Item item, long writtenAt) implements LogRecord {

        @Override
        public boolean equals(Object o) {
            return o instanceof Put other
                    && writtenAt == other.writtenAt
                    && Arrays.equals(key, other.key)
                    && item.equals(other.item);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(key) + item.hashCode()) + Long.hashCode(writtenAt);
        }

        @Override
        public String toString() {
            return "Put[" + key.length + "-byte key, " + item + ", writtenAt=" + writtenAt + "]";
        }
    }

    /**
     * The key holds nothing any more: deleted or evicted.
     *
     * @param key the key
     */
    record Remove(byte[] key) implements LogRecord {

        @Override
        public boolean equals(Object o) {
            return o instanceof Remove other && Arrays.equals(key, other.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Remove[" + key.length + "-byte key]";
        }
    }

    /**
     * The flush schedule now in force, whole: a replay keeps the last one.
     *
     * @param schedule the schedule
     */
    record Flush(FlushSchedule schedule) implements LogRecord {}

    /**
     * Tokens handed out so far reach {@code cas}: written at the start of a compacted log, so
     * that tokens keep growing across a restart even when the item that had the largest one is
     * gone.
     *
     * @param cas the largest token handed out before
     */
    record CasFloor(long cas) implements LogRecord {}
}
