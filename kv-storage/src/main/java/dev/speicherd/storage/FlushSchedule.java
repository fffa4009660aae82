package dev.speicherd.storage;

/**
 * Which items {@code flush_all} has invalidated, as one immutable value swapped atomically.
 *
 * @param writtenBefore items written before this time are dead, from flushes that already took
 *     effect ({@link Long#MIN_VALUE} for none)
 * @param pendingAt a delayed flush: from this time on, items written before it are dead (0 for
 *     none)
 */
record FlushSchedule(long writtenBefore, long pendingAt) {

    /** No flush ever. */
    static final FlushSchedule NONE = new FlushSchedule(Long.MIN_VALUE, 0L);

    /**
     * Tells whether a flush has invalidated an item.
     *
     * @param writtenAt when the item was written
     * @param now the current time
     * @return true when the item is flushed
     */
    boolean flushes(long writtenAt, long now) {
        return writtenAt < writtenBefore || (pendingAt != 0L && now >= pendingAt && writtenAt < pendingAt);
    }

    /**
     * Returns this schedule with a pending flush that has come due folded into {@link
     * #writtenBefore}, so that replacing the pending flush cannot bring its victims back.
     *
     * @param now the current time
     * @return the settled schedule, without a pending flush that is due
     */
    FlushSchedule settledAt(long now) {
        if (pendingAt != 0L && now >= pendingAt) {
            return new FlushSchedule(Math.max(writtenBefore, pendingAt), 0L);
        }
        return this;
    }
}
