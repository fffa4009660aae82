package dev.speicherd.server.binary;

import dev.speicherd.api.StoreStats;
import dev.speicherd.codec.binary.BinaryCommand.ReplyTo;
import dev.speicherd.codec.binary.BinaryStatus;
import dev.speicherd.codec.binary.MemcachedBinaryWriter;
import dev.speicherd.server.ServerConfig;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.ServerStats;
import dev.speicherd.server.Version;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * Answers {@code Stat}: one response per statistic, the name as its key and the value as its
 * value, then an empty response; the same names and groups as the text protocol's {@code stats}
 * (general, {@code settings}, {@code items}, {@code slabs}, {@code reset}). A group speicherd
 * does not have is answered "not found", as memcached answers one it does not know.
 */
final class BinaryStatsReport {

    /** What {@code Version} and {@code stats} report, as the text protocol reports it. */
    static final String VERSION = "1.6.18-speicherd-" + Version.current();

    private final ServerContext context;
    private final MemcachedBinaryWriter writer;

    BinaryStatsReport(ServerContext context, MemcachedBinaryWriter writer) {
        this.context = context;
        this.writer = writer;
    }

    void write(ReplyTo to, String group) throws IOException {
        switch (group) {
            case "" -> general(to);
            case "settings" -> settings(to);
            case "items" -> items(to);
            case "slabs" -> slabs(to);
            case "reset" -> context.stats().reset();
            default -> {
                writer.error(to, BinaryStatus.KEY_NOT_FOUND);
                return;
            }
        }
        writer.endOfStats(to);
    }

    private void stat(ReplyTo to, String name, Object value) throws IOException {
        writer.stat(to, name, String.valueOf(value));
    }

    private void general(ReplyTo to) throws IOException {
        ServerStats s = context.stats();
        StoreStats store = context.store().stats();
        long now = context.clock().millis();
        Duration cpu = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
        stat(to, "pid", ProcessHandle.current().pid());
        stat(to, "uptime", (now - s.startedAtMillis) / 1000);
        stat(to, "time", now / 1000);
        stat(to, "version", VERSION);
        stat(to, "pointer_size", 64);
        stat(to, "rusage_user", String.format(Locale.ROOT, "%.6f", cpu.toNanos() / 1e9));
        stat(to, "rusage_system", "0.000000");
        stat(to, "max_connections", context.config().maxConnections());
        stat(to, "curr_connections", s.currConnections.get());
        stat(to, "total_connections", s.totalConnections.sum());
        stat(to, "rejected_connections", s.rejectedConnections.sum());
        stat(to, "cmd_get", s.cmdGet.sum());
        stat(to, "cmd_set", s.cmdSet.sum());
        stat(to, "cmd_flush", s.cmdFlush.sum());
        stat(to, "cmd_touch", s.cmdTouch.sum());
        stat(to, "get_hits", s.getHits.sum());
        stat(to, "get_misses", s.getMisses.sum());
        stat(to, "delete_misses", s.deleteMisses.sum());
        stat(to, "delete_hits", s.deleteHits.sum());
        stat(to, "incr_misses", s.incrMisses.sum());
        stat(to, "incr_hits", s.incrHits.sum());
        stat(to, "decr_misses", s.decrMisses.sum());
        stat(to, "decr_hits", s.decrHits.sum());
        stat(to, "cas_misses", s.casMisses.sum());
        stat(to, "cas_hits", s.casHits.sum());
        stat(to, "cas_badval", s.casBadval.sum());
        stat(to, "touch_hits", s.touchHits.sum());
        stat(to, "touch_misses", s.touchMisses.sum());
        stat(to, "bytes_read", s.bytesRead.sum());
        stat(to, "bytes_written", s.bytesWritten.sum());
        stat(to, "limit_maxbytes", store.limitBytes());
        stat(to, "threads", Runtime.getRuntime().availableProcessors());
        stat(to, "bytes", store.bytes());
        stat(to, "curr_items", store.currItems());
        stat(to, "total_items", store.totalItems());
        stat(to, "evictions", store.evictions());
        stat(to, "reclaimed", store.reclaimed());
        stat(to, "speicher_requests", s.speicherRequests.sum());
    }

    private void settings(ReplyTo to) throws IOException {
        ServerConfig c = context.config();
        stat(to, "maxbytes", context.store().stats().limitBytes());
        stat(to, "maxconns", c.maxConnections());
        stat(to, "tcpport", c.memcachedPort());
        stat(to, "speicher_port", c.speicherPort());
        stat(to, "inter", c.listen().getHostAddress());
        stat(to, "verbosity", c.verbosity());
        stat(to, "evictions", "on");
        stat(to, "cas_enabled", "yes");
        stat(to, "tcp_backlog", 1024);
        stat(to, "binding_protocol", "auto-negotiate");
        stat(to, "item_size_max", c.maxItemBytes());
        stat(to, "idle_timeout", c.idleTimeout().toSeconds());
        stat(to, "engine", c.engine().name().toLowerCase(Locale.ROOT));
        stat(to, "data_dir", c.dataDir());
        stat(to, "fsync", c.fsync().name().toLowerCase(Locale.ROOT));
    }

    private void items(ReplyTo to) throws IOException {
        StoreStats store = context.store().stats();
        if (store.currItems() == 0) {
            return;
        }
        stat(to, "items:1:number", store.currItems());
        stat(to, "items:1:evicted", store.evictions());
        stat(to, "items:1:reclaimed", store.reclaimed());
    }

    private void slabs(ReplyTo to) throws IOException {
        StoreStats store = context.store().stats();
        if (store.currItems() > 0) {
            stat(to, "1:used_chunks", store.currItems());
            stat(to, "1:mem_requested", store.bytes());
        }
        stat(to, "active_slabs", store.currItems() > 0 ? 1 : 0);
        stat(to, "total_malloced", store.bytes());
    }
}
