package dev.speicherd.server.memcached;

import static java.lang.System.Logger.Level.WARNING;

import dev.speicherd.api.CounterResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.ItemReader;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.Store;
import dev.speicherd.api.WriteMode;
import dev.speicherd.api.WriteResult;
import dev.speicherd.codec.memcached.MemcachedCommand;
import dev.speicherd.codec.memcached.MemcachedTextWriter;
import dev.speicherd.codec.memcached.MemcachedWords;
import dev.speicherd.server.Expiry;
import dev.speicherd.server.HeapFit;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.ConnectionStats;
import dev.speicherd.server.Statistics;
import java.io.IOException;
import java.util.List;

/**
 * Carries out memcached's classic commands against the shared store, counts them in the
 * server's stats, and writes the answers. Meta commands go to {@link MetaDispatch}, {@code
 * stats} to {@link StatsReport}.
 */
final class MemcachedDispatch {

    private static final System.Logger LOG = System.getLogger(MemcachedDispatch.class.getName());

    private final ServerContext context;
    private final Store store;
    private final ConnectionStats stats;
    private final MemcachedTextWriter writer;
    private final MetaDispatch meta;
    private final StatsReport statsReport;
    private final ValueReply valueReply = new ValueReply();

    MemcachedDispatch(ServerContext context, ConnectionStats stats, MemcachedTextWriter writer) {
        this.context = context;
        this.store = context.store();
        this.stats = stats;
        this.writer = writer;
        this.meta = new MetaDispatch(context, stats, writer);
        this.statsReport = new StatsReport(context, writer);
    }

    void execute(MemcachedCommand command) throws IOException {
        switch (command) {
            case MemcachedCommand.Get get -> get(get);
            case MemcachedCommand.Store s -> store(s);
            case MemcachedCommand.TooLarge tooLarge -> tooLarge(tooLarge);
            case MemcachedCommand.Delete delete -> delete(delete);
            case MemcachedCommand.Arithmetic arithmetic -> arithmetic(arithmetic);
            case MemcachedCommand.Touch touch -> touch(touch);
            case MemcachedCommand.FlushAll flush -> flushAll(flush);
            case MemcachedCommand.Version version -> writer.line("VERSION " + Statistics.VERSION);
            case MemcachedCommand.Verbosity verbosity -> reply(verbosity.noreply(), MemcachedWords.OK);
            case MemcachedCommand.Stats s -> statsReport.write(s.group());
            case MemcachedCommand.CacheMemlimit limit -> cacheMemlimit(limit);
            case MemcachedCommand.Shutdown shutdown -> writer.write(MemcachedWords.SHUTDOWN_NOT_ENABLED);
            case MemcachedCommand.Unknown unknown -> writer.write(MemcachedWords.ERROR);
            case MemcachedCommand.Meta m -> meta.execute(m);
            case MemcachedCommand.Quit quit -> throw new IllegalStateException("quit is the session's to handle");
        }
    }

    private void get(MemcachedCommand.Get get) throws IOException {
        List<byte[]> keys = get.keys();
        stats.cmdGet.add(keys.size());
        if (get.touch()) {
            gat(get);
        } else {
            // In place: the replies are written from the store's memory, no copy of the values.
            valueReply.keys = keys;
            valueReply.withCas = get.withCas();
            int hits;
            try {
                hits = store.read(keys, valueReply);
            } finally {
                valueReply.keys = null; // a multi-get's keys may be a megabyte: not kept past it
            }
            stats.getHits.add(hits);
            stats.getMisses.add(keys.size() - hits);
        }
        writer.write(MemcachedWords.END);
    }

    /** A get that also sets each item's expiry: a write per key, answered from a copy. */
    private void gat(MemcachedCommand.Get get) throws IOException {
        long expiresAt = Expiry.expiresAt(get.touchExptime(), context.clock().millis());
        for (byte[] key : get.keys()) {
            stats.cmdTouch.increment();
            boolean hit = false;
            if (store.touch(key, expiresAt) instanceof Lookup.Hit(Item item)) {
                writer.value(key, item.flags(), item.value(), get.withCas(), item.cas());
                hit = true;
            }
            (hit ? stats.touchHits : stats.touchMisses).increment();
            (hit ? stats.getHits : stats.getMisses).increment();
        }
    }

    /**
     * Writes a get's {@code VALUE} replies from the store's memory; one per connection, set for
     * each get, so that a get allocates no reader.
     */
    private final class ValueReply implements ItemReader<IOException> {

        private List<byte[]> keys;
        private boolean withCas;

        @Override
        public void read(int keyIndex, byte[] value, int offset, int length, int flags, long cas) throws IOException {
            writer.value(keys.get(keyIndex), flags, value, offset, length, withCas, cas);
        }
    }

    private void store(MemcachedCommand.Store s) throws IOException {
        stats.cmdSet.increment();
        long expiresAt = Expiry.expiresAt(s.exptime(), context.clock().millis());
        WriteResult result;
        if (s.compareAndSwap() && s.casUnique() == Store.ANY_CAS) {
            // No item ever has token 0, so this cas cannot match; the store reads 0 as "no check".
            result = store.get(s.key()) instanceof Lookup.Hit ? WriteResult.EXISTS : WriteResult.NOT_FOUND;
        } else {
            long expected = s.compareAndSwap() ? s.casUnique() : Store.ANY_CAS;
            result = store.write(s.mode(), s.key(), s.value(), s.flags(), expiresAt, expected);
        }
        if (s.compareAndSwap()) {
            switch (result) {
                case WriteResult.Stored stored -> stats.casHits.increment();
                case WriteResult.Exists exists -> stats.casBadval.increment();
                case WriteResult.NotFound notFound -> stats.casMisses.increment();
                case WriteResult.NotStored notStored -> { }
            }
        }
        reply(s.noreply(), switch (result) {
            case WriteResult.Stored stored -> MemcachedWords.STORED;
            case WriteResult.NotStored notStored -> MemcachedWords.NOT_STORED;
            case WriteResult.Exists exists -> MemcachedWords.EXISTS;
            case WriteResult.NotFound notFound -> MemcachedWords.NOT_FOUND;
        });
    }

    private void tooLarge(MemcachedCommand.TooLarge tooLarge) throws IOException {
        if (tooLarge.dropsOldValue()) {
            store.delete(tooLarge.key(), Store.ANY_CAS); // no stale value outlives a failed set
        }
        reply(tooLarge.noreply(), MemcachedWords.OBJECT_TOO_LARGE);
    }

    private void delete(MemcachedCommand.Delete delete) throws IOException {
        byte[] answer = switch (store.delete(delete.key(), Store.ANY_CAS)) {
            case DELETED -> {
                stats.deleteHits.increment();
                yield MemcachedWords.DELETED;
            }
            case NOT_FOUND, EXISTS -> {
                stats.deleteMisses.increment();
                yield MemcachedWords.NOT_FOUND;
            }
        };
        reply(delete.noreply(), answer);
    }

    private void arithmetic(MemcachedCommand.Arithmetic a) throws IOException {
        CounterResult result = store.adjust(a.key(), a.delta(), a.decrement(), null);
        boolean hit = !(result instanceof CounterResult.NotFound);
        (a.decrement() ? (hit ? stats.decrHits : stats.decrMisses) : (hit ? stats.incrHits : stats.incrMisses))
                .increment();
        if (a.noreply()) {
            return;
        }
        switch (result) {
            case CounterResult.Counted counted -> writer.number(counted.value());
            case CounterResult.NotFound notFound -> writer.write(MemcachedWords.NOT_FOUND);
            case CounterResult.NonNumeric nonNumeric -> writer.write(MemcachedWords.NON_NUMERIC);
            case CounterResult.Exists exists -> throw new IllegalStateException("a token mismatch for incr without one");
        }
    }

    private void touch(MemcachedCommand.Touch touch) throws IOException {
        stats.cmdTouch.increment();
        Lookup lookup = store.touch(touch.key(), Expiry.expiresAt(touch.exptime(), context.clock().millis()));
        boolean hit = lookup instanceof Lookup.Hit;
        (hit ? stats.touchHits : stats.touchMisses).increment();
        reply(touch.noreply(), hit ? MemcachedWords.TOUCHED : MemcachedWords.NOT_FOUND);
    }

    private void flushAll(MemcachedCommand.FlushAll flush) throws IOException {
        stats.cmdFlush.increment();
        long now = context.clock().millis();
        store.flushAll(flush.delaySeconds() <= 0 ? now : Expiry.expiresAt(flush.delaySeconds(), now));
        reply(flush.noreply(), MemcachedWords.OK);
    }

    private void cacheMemlimit(MemcachedCommand.CacheMemlimit limit) throws IOException {
        long bytes = limit.megabytes() << 20;
        store.setMemoryLimit(bytes);
        HeapFit.warning(bytes, context.config()).ifPresent(warning -> LOG.log(WARNING, "cache_memlimit: " + warning));
        reply(limit.noreply(), MemcachedWords.OK);
    }

    private void reply(boolean noreply, byte[] answer) throws IOException {
        if (!noreply) {
            writer.write(answer);
        }
    }
}
