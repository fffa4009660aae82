package dev.speicherd.server.memcached;

import dev.speicherd.api.StoreStats;
import dev.speicherd.codec.memcached.MemcachedTextWriter;
import dev.speicherd.codec.memcached.MemcachedWords;
import dev.speicherd.server.ServerConfig;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.ServerStats;
import dev.speicherd.server.Version;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * Answers {@code stats}: the general statistics, {@code settings}, {@code items}, {@code slabs}
 * and {@code reset}, with memcached's field names so that dashboards and {@code memcstat} read
 * them. speicherd has no slab classes; {@code items} and {@code slabs} report everything as
 * class 1. Groups memcached has and speicherd does not ({@code conns}, {@code detail},
 * {@code sizes}, {@code extstore}) answer {@code ERROR}, as memcached does for a group it
 * does not know.
 */
final class StatsReport {

    /** The memcached release whose protocol speicherd speaks, byte for byte where it can. */
    static final String PROTOCOL_VERSION = "1.6.18";

    /**
     * What {@code version} and {@code stats} report: the memcached version first, because
     * clients and tools decide what to expect of a server from it (libmemcached's memcapable
     * checks older servers more strictly), then speicherd's own, as Redis-compatible servers
     * report a {@code redis_version} beside their own.
     */
    static final String VERSION = PROTOCOL_VERSION + "-speicherd-" + Version.current();

    private final ServerContext context;
    private final MemcachedTextWriter writer;

    StatsReport(ServerContext context, MemcachedTextWriter writer) {
        this.context = context;
        this.writer = writer;
    }

    void write(String group) throws IOException {
        switch (group) {
            case "" -> general();
            case "settings" -> settings();
            case "items" -> items();
            case "slabs" -> slabs();
            case "reset" -> {
                context.stats().reset();
                writer.write(MemcachedWords.RESET);
                return;
            }
            default -> {
                writer.write(MemcachedWords.ERROR);
                return;
            }
        }
        writer.write(MemcachedWords.END);
    }

    private void general() throws IOException {
        ServerStats s = context.stats();
        StoreStats store = context.store().stats();
        long now = context.clock().millis();
        Duration cpu = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
        writer.stat("pid", ProcessHandle.current().pid());
        writer.stat("uptime", (now - s.startedAtMillis) / 1000);
        writer.stat("time", now / 1000);
        writer.stat("version", VERSION);
        writer.stat("pointer_size", 64);
        writer.stat("rusage_user", String.format(Locale.ROOT, "%.6f", cpu.toNanos() / 1e9));
        writer.stat("rusage_system", "0.000000");
        writer.stat("max_connections", context.config().maxConnections());
        writer.stat("curr_connections", s.currConnections.get());
        writer.stat("total_connections", s.totalConnections.sum());
        writer.stat("rejected_connections", s.rejectedConnections.sum());
        writer.stat("cmd_get", s.cmdGet.sum());
        writer.stat("cmd_set", s.cmdSet.sum());
        writer.stat("cmd_flush", s.cmdFlush.sum());
        writer.stat("cmd_touch", s.cmdTouch.sum());
        writer.stat("get_hits", s.getHits.sum());
        writer.stat("get_misses", s.getMisses.sum());
        writer.stat("delete_misses", s.deleteMisses.sum());
        writer.stat("delete_hits", s.deleteHits.sum());
        writer.stat("incr_misses", s.incrMisses.sum());
        writer.stat("incr_hits", s.incrHits.sum());
        writer.stat("decr_misses", s.decrMisses.sum());
        writer.stat("decr_hits", s.decrHits.sum());
        writer.stat("cas_misses", s.casMisses.sum());
        writer.stat("cas_hits", s.casHits.sum());
        writer.stat("cas_badval", s.casBadval.sum());
        writer.stat("touch_hits", s.touchHits.sum());
        writer.stat("touch_misses", s.touchMisses.sum());
        writer.stat("bytes_read", s.bytesRead.sum());
        writer.stat("bytes_written", s.bytesWritten.sum());
        writer.stat("limit_maxbytes", store.limitBytes());
        writer.stat("threads", Runtime.getRuntime().availableProcessors());
        writer.stat("bytes", store.bytes());
        writer.stat("curr_items", store.currItems());
        writer.stat("total_items", store.totalItems());
        writer.stat("evictions", store.evictions());
        writer.stat("reclaimed", store.reclaimed());
        writer.stat("speicher_requests", s.speicherRequests.sum());
    }

    private void settings() throws IOException {
        ServerConfig c = context.config();
        writer.stat("maxbytes", context.store().stats().limitBytes());
        writer.stat("maxconns", c.maxConnections());
        writer.stat("tcpport", c.memcachedPort());
        writer.stat("speicher_port", c.speicherPort());
        writer.stat("inter", c.listen().getHostAddress());
        writer.stat("verbosity", c.verbosity());
        writer.stat("evictions", "on");
        writer.stat("cas_enabled", "yes");
        writer.stat("tcp_backlog", 1024);
        writer.stat("binding_protocol", "ascii");
        writer.stat("item_size_max", c.maxItemBytes());
        writer.stat("idle_timeout", c.idleTimeout().toSeconds());
        writer.stat("engine", c.engine().name().toLowerCase(Locale.ROOT));
        writer.stat("data_dir", c.dataDir());
        writer.stat("fsync", c.fsync().name().toLowerCase(Locale.ROOT));
    }

    private void items() throws IOException {
        StoreStats store = context.store().stats();
        if (store.currItems() == 0) {
            return;
        }
        writer.stat("items:1:number", store.currItems());
        writer.stat("items:1:evicted", store.evictions());
        writer.stat("items:1:reclaimed", store.reclaimed());
    }

    private void slabs() throws IOException {
        StoreStats store = context.store().stats();
        if (store.currItems() > 0) {
            writer.stat("1:used_chunks", store.currItems());
            writer.stat("1:mem_requested", store.bytes());
        }
        writer.stat("active_slabs", store.currItems() > 0 ? 1 : 0);
        writer.stat("total_malloced", store.bytes());
    }
}
