package dev.speicherd.server.binary;

import dev.speicherd.codec.binary.BinaryCommand.ReplyTo;
import dev.speicherd.codec.binary.BinaryStatus;
import dev.speicherd.codec.binary.MemcachedBinaryWriter;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.Statistics;
import java.io.IOException;
import java.util.List;

/**
 * Answers {@code Stat}: one response per statistic of the group {@link Statistics} reports, the
 * name as its key and the value as its value, then an empty response; {@code reset} too. A
 * group speicherd does not have is answered "not found", as memcached answers one it does not
 * know.
 */
final class BinaryStatsReport {

    private final ServerContext context;
    private final MemcachedBinaryWriter writer;

    BinaryStatsReport(ServerContext context, MemcachedBinaryWriter writer) {
        this.context = context;
        this.writer = writer;
    }

    void write(ReplyTo to, String group) throws IOException {
        if (group.equals("reset")) {
            context.stats().reset();
            writer.endOfStats(to);
            return;
        }
        List<Statistics.Stat> stats = Statistics.of(group, context);
        if (stats == null) {
            writer.error(to, BinaryStatus.KEY_NOT_FOUND);
            return;
        }
        for (Statistics.Stat stat : stats) {
            writer.stat(to, stat.name(), stat.value());
        }
        writer.endOfStats(to);
    }
}
