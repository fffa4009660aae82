package dev.speicherd.server.memcached;

import dev.speicherd.codec.memcached.MemcachedTextWriter;
import dev.speicherd.codec.memcached.MemcachedWords;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.Statistics;
import java.io.IOException;
import java.util.List;


/**
 * Answers {@code stats} in text: the groups {@link Statistics} reports, as {@code STAT name
 * value} lines, and {@code reset}. Groups memcached has and speicherd does not ({@code conns},
 * {@code detail}, {@code sizes}, {@code extstore}) answer {@code ERROR}, as memcached does for a
 * group it does not know.
 */
final class StatsReport {

    private final ServerContext context;
    private final MemcachedTextWriter writer;

    StatsReport(ServerContext context, MemcachedTextWriter writer) {
        this.context = context;
        this.writer = writer;
    }

    void write(String group) throws IOException {
        if (group.equals("reset")) {
            context.stats().reset();
            writer.write(MemcachedWords.RESET);
            return;
        }
        List<Statistics.Stat> stats = Statistics.of(group, context);
        if (stats == null) {
            writer.write(MemcachedWords.ERROR);
            return;
        }
        for (Statistics.Stat stat : stats) {
            writer.stat(stat.name(), stat.value());
        }
        writer.write(MemcachedWords.END);
    }
}
