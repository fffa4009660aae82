package dev.speicherd.storage;

import java.util.function.Consumer;

/**
 * Applies replayed records to a store's memory, journaling nothing.
 *
 * <p>Puts and removals take effect at once, in log order. The flush schedule takes effect only
 * at {@link #finish()}, the last one the log holds: until then nothing counts as flushed, so
 * that a schedule the log later replaced (a delayed flush that was cancelled before it came
 * due) cannot drop items the final schedule keeps.
 */
final class LogReplayer implements Consumer<LogRecord> {

    private final MemoryStore memory;
    private FlushSchedule schedule;

    /**
     * Creates a replayer.
     *
     * @param memory the memory to fill, not yet in use
     */
    LogReplayer(MemoryStore memory) {
        this.memory = memory;
    }

    @Override
    public void accept(LogRecord record) {
        switch (record) {
            case LogRecord.Put put -> memory.restore(new Key(put.key()), put.item(), put.writtenAt());
            case LogRecord.Remove remove -> memory.restoreRemoval(new Key(remove.key()));
            case LogRecord.Flush flush -> schedule = flush.schedule();
            case LogRecord.CasFloor floor -> memory.raiseCasFloor(floor.cas());
        }
    }

    /** Puts the last flush schedule in force and drops every item that is dead by then. */
    void finish() {
        if (schedule != null) {
            memory.restoreFlush(schedule);
        }
        memory.removeDeadAfterReplay();
    }
}
