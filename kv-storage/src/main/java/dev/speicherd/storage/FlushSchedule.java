package dev.speicherd.storage;

/**
 * Which items {@code flush_all} has invalidated, as one immutable value swapped atomically.
 *
 * <p>A flush that takes effect at once marks the largest token handed out so far: every item
 * with that token or a smaller one is dead. That makes an immediate flush one atomic step, even
 * for writers racing with it (a writer that got its token before the flush is ordered before
 * it), and it makes the schedule alone decide, in memory and after a replay of the log alike,
 * whatever order the flush and the racing writes reached the log in. A delayed flush goes by
 * the time an item was written, since the tokens of the items it will take are not known yet.
 *
 * @param writtenBefore items written before this time are dead, from delayed flushes that already
 *     took effect ({@link Long#MIN_VALUE} for none)
 * @param pendingAt a delayed flush: from this time on, items written before it are dead (0 for
 *     none)
 * @param casUpTo items whose token is at most this are dead, from flushes that took effect at
 *     once (0 for none: no item has token 0)
 */
record FlushSchedule(long writtenBefore, long pendingAt, long casUpTo) {

    /** No flush ever. */
    static final FlushSchedule NONE = new FlushSchedule(Long.MIN_VALUE, 0L, 0L);

    /**
     * Tells whether a flush has invalidated an item.
     *
     * @param writtenAt when the item was written
     * @param cas the item's token
     * @param now the current time
     * @return true when the item is flushed
     */
    boolean flushes(long writtenAt, long cas, long now) {
        return cas <= casUpTo
                || writtenAt < writtenBefore
                || (pendingAt != 0L && now >= pendingAt && writtenAt < pendingAt);
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
            return new FlushSchedule(Math.max(writtenBefore, pendingAt), 0L, casUpTo);
        }
        return this;
    }
}
