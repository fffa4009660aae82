package dev.speicherd.storage;

import dev.speicherd.api.Item;
import dev.speicherd.api.StorageException;

/**
 * Where {@link MemoryStore} reports every change of state, so that a durable engine can write
 * it down in the same order as it happens in memory.
 *
 * <p>{@link #put}, {@link #remove} and {@link #flush} are called <em>inside</em> the atomic
 * section of the change (inside {@code SlotTable.compute}, under the key's stripe lock, for a
 * key; under the flush lock for a flush), before the change is visible: so the records of one key are written in
 * the order the key changed, and a journal that throws aborts the change, which then leaves
 * nothing behind in memory. Each returns a ticket, which the store hands to {@link #commit}
 * after the atomic section, outside every lock, so that waiting for the disk never holds up
 * other keys.
 *
 * <p>Changes that replay can work out for itself are not reported: removing an item that has
 * already expired or been flushed (it is just as dead after a replay) and reading.
 */
interface Journal {

    /** The ticket of "nothing written": committing it returns at once. */
    long NOTHING = 0L;

    /** The journal of a store that keeps nothing: every call does nothing. */
    Journal NONE = new Journal() {
        @Override
        public long put(Key key, Item item, long writtenAt) {
            return NOTHING;
        }

        @Override
        public long remove(Key key) {
            return NOTHING;
        }

        @Override
        public long flush(FlushSchedule schedule) {
            return NOTHING;
        }

        @Override
        public void commit(long ticket) {}
    };

    /**
     * Records that {@code key} now holds {@code item}. An item that has already expired stands
     * for "the key holds nothing" (its token must still be recorded, as one handed out).
     *
     * @param key the key
     * @param item the key's new item
     * @param writtenAt when the item's value was written, which delayed flushes go by
     * @return the ticket to commit
     * @throws StorageException if the change cannot be recorded; it must then not happen
     */
    long put(Key key, Item item, long writtenAt);

    /**
     * Records that the live item under {@code key} is gone (deleted or evicted).
     *
     * @param key the key
     * @return the ticket to commit
     * @throws StorageException if the change cannot be recorded; it must then not happen
     */
    long remove(Key key);

    /**
     * Records the flush schedule that is now in force.
     *
     * @param schedule the whole new schedule, not a change to the old one
     * @return the ticket to commit
     * @throws StorageException if the change cannot be recorded; it must then not happen
     */
    long flush(FlushSchedule schedule);

    /**
     * Waits until the records up to {@code ticket} are as durable as the journal promises.
     *
     * @param ticket a ticket from this journal, or {@link #NOTHING}
     * @throws StorageException if they cannot be made durable; the change is then visible in
     *     memory already, but may be lost on a crash
     */
    void commit(long ticket);
}
