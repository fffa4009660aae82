package dev.speicherd.server;

import dev.speicherd.api.StoreStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code stats} reports, once for every protocol that asks: the general statistics, {@code
 * settings}, {@code items} and {@code slabs}, with memcached's field names so that dashboards
 * and {@code memcstat} read them. speicherd has no slab classes; {@code items} and {@code
 * slabs} report everything as class 1. The text and binary protocols only differ in how they
 * write the pairs.
 */
public final class Statistics {

    /** The memcached release whose protocol speicherd speaks, byte for byte where it can. */
    public static final String PROTOCOL_VERSION = "1.6.18";

    /**
     * What {@code version} and {@code stats} report: the memcached version first, because
     * clients and tools decide what to expect of a server from it (libmemcached's memcapable
     * checks older servers more strictly), then speicherd's own, as Redis-compatible servers
     * report a {@code redis_version} beside their own.
     */
    public static final String VERSION = PROTOCOL_VERSION + "-speicherd-" + Version.current();

    /** One reported value. */
    public record Stat(String name, String value) {}

    private Statistics() {}

    /**
     * The statistics of a group.
     *
     * @param group {@code ""} for the general ones, or {@code settings}, {@code items}, {@code slabs}
     * @return the pairs in memcached's order, or null for a group speicherd does not have
     */
    public static List<Stat> of(String group, ServerContext context) {
        List<Stat> out = new ArrayList<>();
        switch (group) {
            case "" -> general(context, out);
            case "settings" -> settings(context, out);
            case "items" -> items(context, out);
            case "slabs" -> slabs(context, out);
            default -> {
                return null;
            }
        }
        return out;
    }

    private static void add(List<Stat> out, String name, Object value) {
        out.add(new Stat(name, String.valueOf(value)));
    }

    private static void general(ServerContext context, List<Stat> out) {
        ServerStats s = context.stats();
        StoreStats store = context.store().stats();
        long now = context.clock().millis();
        Duration cpu = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
        add(out, "pid", ProcessHandle.current().pid());
        add(out, "uptime", (now - s.startedAtMillis) / 1000);
        add(out, "time", now / 1000);
        add(out, "version", VERSION);
        add(out, "pointer_size", 64);
        add(out, "rusage_user", String.format(Locale.ROOT, "%.6f", cpu.toNanos() / 1e9));
        add(out, "rusage_system", "0.000000");
        add(out, "max_connections", context.config().maxConnections());
        add(out, "curr_connections", s.currConnections.get());
        add(out, "total_connections", s.totalConnections.sum());
        add(out, "rejected_connections", s.rejectedConnections.sum());
        add(out, "client_memory", s.clientMemoryBytes.get());
        add(out, "client_memory_waits", s.clientMemoryWaits.sum());
        add(out, "client_memory_closed", s.clientMemoryClosed.sum());
        add(out, "cmd_get", s.sum(c -> c.cmdGet));
        add(out, "cmd_set", s.sum(c -> c.cmdSet));
        add(out, "cmd_flush", s.sum(c -> c.cmdFlush));
        add(out, "cmd_touch", s.sum(c -> c.cmdTouch));
        add(out, "get_hits", s.sum(c -> c.getHits));
        add(out, "get_misses", s.sum(c -> c.getMisses));
        add(out, "delete_misses", s.sum(c -> c.deleteMisses));
        add(out, "delete_hits", s.sum(c -> c.deleteHits));
        add(out, "incr_misses", s.sum(c -> c.incrMisses));
        add(out, "incr_hits", s.sum(c -> c.incrHits));
        add(out, "decr_misses", s.sum(c -> c.decrMisses));
        add(out, "decr_hits", s.sum(c -> c.decrHits));
        add(out, "cas_misses", s.sum(c -> c.casMisses));
        add(out, "cas_hits", s.sum(c -> c.casHits));
        add(out, "cas_badval", s.sum(c -> c.casBadval));
        add(out, "touch_hits", s.sum(c -> c.touchHits));
        add(out, "touch_misses", s.sum(c -> c.touchMisses));
        add(out, "bytes_read", s.sum(c -> c.bytesRead));
        add(out, "bytes_written", s.sum(c -> c.bytesWritten));
        add(out, "limit_maxbytes", store.limitBytes());
        add(out, "threads", context.config().ioThreads());
        add(out, "bytes", store.bytes());
        add(out, "curr_items", store.currItems());
        add(out, "total_items", store.totalItems());
        add(out, "evictions", store.evictions());
        add(out, "reclaimed", store.reclaimed());
        add(out, "log_fsyncs", store.syncs());
        add(out, "speicher_requests", s.sum(c -> c.speicherRequests));
    }

    private static void settings(ServerContext context, List<Stat> out) {
        ServerConfig c = context.config();
        add(out, "maxbytes", context.store().stats().limitBytes());
        add(out, "maxconns", c.maxConnections());
        add(out, "client_memory_limit", c.clientMemoryBytes());
        add(out, "num_threads", c.ioThreads());
        add(out, "tcpport", c.memcachedPort());
        add(out, "speicher_port", c.speicherPort());
        add(out, "inter", c.listen().getHostAddress());
        add(out, "verbosity", c.verbosity());
        add(out, "evictions", "on");
        add(out, "cas_enabled", "yes");
        add(out, "tcp_backlog", Listener.BACKLOG);
        add(out, "binding_protocol", "auto-negotiate");
        add(out, "item_size_max", c.maxItemBytes());
        add(out, "idle_timeout", c.idleTimeout().toSeconds());
        add(out, "engine", c.engine().name().toLowerCase(Locale.ROOT));
        add(out, "data_dir", c.dataDir());
        add(out, "fsync", c.fsync().name().toLowerCase(Locale.ROOT));
    }

    private static void items(ServerContext context, List<Stat> out) {
        StoreStats store = context.store().stats();
        if (store.currItems() == 0) {
            return;
        }
        add(out, "items:1:number", store.currItems());
        add(out, "items:1:evicted", store.evictions());
        add(out, "items:1:reclaimed", store.reclaimed());
    }

    private static void slabs(ServerContext context, List<Stat> out) {
        StoreStats store = context.store().stats();
        if (store.currItems() > 0) {
            add(out, "1:used_chunks", store.currItems());
            add(out, "1:mem_requested", store.bytes());
        }
        add(out, "active_slabs", store.currItems() > 0 ? 1 : 0);
        add(out, "total_malloced", store.bytes());
    }
}
