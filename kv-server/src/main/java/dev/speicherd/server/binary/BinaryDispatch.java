package dev.speicherd.server.binary;

import dev.speicherd.api.CounterResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.Store;
import dev.speicherd.api.WriteMode;
import dev.speicherd.api.WriteResult;
import dev.speicherd.codec.binary.BinaryCommand;
import dev.speicherd.codec.binary.BinaryCommand.ReplyTo;
import dev.speicherd.codec.binary.BinaryStatus;
import dev.speicherd.codec.binary.MemcachedBinaryWriter;
import dev.speicherd.server.Expiry;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.ConnectionStats;
import dev.speicherd.server.Statistics;
import java.io.IOException;

/**
 * Carries out binary requests against the shared store, counts them in the server's stats as the
 * text protocol counts them, and writes the answers. Quiet requests leave out what memcached
 * leaves out: the success of a change, the miss of a get; errors are always answered.
 */
final class BinaryDispatch {

    private final ServerContext context;
    private final Store store;
    private final ConnectionStats stats;
    private final MemcachedBinaryWriter writer;
    private final BinaryStatsReport statsReport;

    BinaryDispatch(ServerContext context, ConnectionStats stats, MemcachedBinaryWriter writer) {
        this.context = context;
        this.store = context.store();
        this.stats = stats;
        this.writer = writer;
        this.statsReport = new BinaryStatsReport(context, writer);
    }

    void execute(BinaryCommand command) throws IOException {
        switch (command) {
            case BinaryCommand.Get get -> get(get);
            case BinaryCommand.GetAndTouch gat -> getAndTouch(gat);
            case BinaryCommand.Touch touch -> touch(touch);
            case BinaryCommand.Store s -> store(s);
            case BinaryCommand.TooLarge tooLarge -> tooLarge(tooLarge);
            case BinaryCommand.Delete delete -> delete(delete);
            case BinaryCommand.Arithmetic arithmetic -> arithmetic(arithmetic);
            case BinaryCommand.Flush flush -> flush(flush);
            case BinaryCommand.Stat stat -> statsReport.write(stat.to(), stat.group());
            case BinaryCommand.NoOp noOp -> writer.success(noOp.to(), 0);
            case BinaryCommand.Version version -> writer.text(version.to(), Statistics.VERSION);
            case BinaryCommand.Verbosity verbosity -> writer.success(verbosity.to(), 0);
            case BinaryCommand.Quit quit -> {
                if (!quit.quiet()) {
                    writer.success(quit.to(), 0);
                }
            }
            case BinaryCommand.Unknown unknown -> writer.error(unknown.to(), BinaryStatus.UNKNOWN_COMMAND);
            case BinaryCommand.Malformed malformed -> writer.error(malformed.to(), malformed.status());
        }
    }

    private void get(BinaryCommand.Get get) throws IOException {
        stats.cmdGet.increment();
        answerGet(get.to(), get.key(), store.get(get.key()), get.withKey(), get.quiet());
    }

    private void getAndTouch(BinaryCommand.GetAndTouch gat) throws IOException {
        stats.cmdGet.increment();
        stats.cmdTouch.increment();
        Lookup lookup = store.touch(gat.key(), expiresAt(gat.exptime()));
        (lookup instanceof Lookup.Hit ? stats.touchHits : stats.touchMisses).increment();
        answerGet(gat.to(), gat.key(), lookup, gat.withKey(), gat.quiet());
    }

    private void touch(BinaryCommand.Touch touch) throws IOException {
        stats.cmdTouch.increment();
        Lookup lookup = store.touch(touch.key(), expiresAt(touch.exptime()));
        if (lookup instanceof Lookup.Hit(Item item)) {
            stats.touchHits.increment();
            writer.item(touch.to(), null, item.flags(), null, item.cas());
        } else {
            stats.touchMisses.increment();
            writer.error(touch.to(), BinaryStatus.KEY_NOT_FOUND);
        }
    }

    private void answerGet(ReplyTo to, byte[] key, Lookup lookup, boolean withKey, boolean quiet) throws IOException {
        if (lookup instanceof Lookup.Hit(Item item)) {
            stats.getHits.increment();
            writer.item(to, withKey ? key : null, item.flags(), item.value(), item.cas());
            return;
        }
        stats.getMisses.increment();
        if (quiet) {
            return;
        }
        if (withKey) {
            writer.missWithKey(to, key);
        } else {
            writer.error(to, BinaryStatus.KEY_NOT_FOUND);
        }
    }

    private void store(BinaryCommand.Store s) throws IOException {
        stats.cmdSet.increment();
        boolean concatenates = s.mode() == WriteMode.APPEND || s.mode() == WriteMode.PREPEND;
        // memcached turns a set, add or replace that carries a cas into a cas: stored if the
        // token matches, whatever the mode. Append and prepend check the token and keep their mode.
        boolean compareAndSwap = s.cas() != Store.ANY_CAS && !concatenates;
        WriteMode mode = compareAndSwap ? WriteMode.SET : s.mode();
        WriteResult result = store.write(mode, s.key(), s.value(), s.flags(), expiresAt(s.exptime()), s.cas());
        if (compareAndSwap) {
            switch (result) {
                case WriteResult.Stored stored -> stats.casHits.increment();
                case WriteResult.Exists exists -> stats.casBadval.increment();
                case WriteResult.NotFound notFound -> stats.casMisses.increment();
                case WriteResult.NotStored notStored -> { }
            }
        }
        switch (result) {
            case WriteResult.Stored(long cas) -> {
                if (!s.quiet()) {
                    writer.success(s.to(), cas);
                }
            }
            case WriteResult.Exists exists -> writer.error(s.to(), BinaryStatus.KEY_EXISTS);
            case WriteResult.NotFound notFound ->
                    writer.error(s.to(), concatenates ? BinaryStatus.NOT_STORED : BinaryStatus.KEY_NOT_FOUND);
            case WriteResult.NotStored notStored -> writer.error(s.to(), switch (s.mode()) {
                case ADD -> BinaryStatus.KEY_EXISTS;
                case REPLACE -> BinaryStatus.KEY_NOT_FOUND;
                case SET, APPEND, PREPEND -> BinaryStatus.NOT_STORED;
            });
        }
    }

    /** memcached drops the old value of a set it cannot store, so that no stale value is read. */
    private void tooLarge(BinaryCommand.TooLarge tooLarge) throws IOException {
        if (tooLarge.mode() == WriteMode.SET) {
            store.delete(tooLarge.key(), Store.ANY_CAS);
        }
        writer.error(tooLarge.to(), BinaryStatus.VALUE_TOO_LARGE);
    }

    private void delete(BinaryCommand.Delete delete) throws IOException {
        switch (store.delete(delete.key(), delete.cas())) {
            case DELETED -> {
                stats.deleteHits.increment();
                if (!delete.quiet()) {
                    writer.success(delete.to(), 0);
                }
            }
            case NOT_FOUND -> {
                stats.deleteMisses.increment();
                writer.error(delete.to(), BinaryStatus.KEY_NOT_FOUND);
            }
            case EXISTS -> writer.error(delete.to(), BinaryStatus.KEY_EXISTS);
        }
    }

    private void arithmetic(BinaryCommand.Arithmetic a) throws IOException {
        CounterResult.Vivify vivify = a.creates() ? new CounterResult.Vivify(a.initial(), expiresAt(a.exptime())) : null;
        CounterResult result = store.adjust(a.key(), a.delta(), a.decrement(), vivify, a.cas());
        if (!(result instanceof CounterResult.Exists)) { // a failed compare-and-swap is no hit or miss
            boolean hit = !(result instanceof CounterResult.NotFound);
            (a.decrement() ? (hit ? stats.decrHits : stats.decrMisses) : (hit ? stats.incrHits : stats.incrMisses))
                    .increment();
        }
        switch (result) {
            case CounterResult.Counted counted -> {
                if (!a.quiet()) {
                    writer.counter(a.to(), counted.value(), counted.cas());
                }
            }
            case CounterResult.NotFound notFound -> writer.error(a.to(), BinaryStatus.KEY_NOT_FOUND);
            case CounterResult.NonNumeric nonNumeric -> writer.error(a.to(), BinaryStatus.NON_NUMERIC);
            case CounterResult.Exists exists -> writer.error(a.to(), BinaryStatus.KEY_EXISTS);
        }
    }

    private void flush(BinaryCommand.Flush flush) throws IOException {
        stats.cmdFlush.increment();
        long now = context.clock().millis();
        store.flushAll(flush.exptime() == 0 ? now : Expiry.expiresAt(flush.exptime(), now));
        if (!flush.quiet()) {
            writer.success(flush.to(), 0);
        }
    }

    /** memcached's exptime rule; a binary expiration is unsigned, so never negative. */
    private long expiresAt(long exptime) {
        return Expiry.expiresAt(exptime, context.clock().millis());
    }
}
