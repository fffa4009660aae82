package dev.speicherd.server;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes {@link System.Logger} (backed by java.util.logging) to standard error, one line per
 * record, at the level {@code -v} and {@code -vv} ask for. Our own loggers only get more verbose;
 * the JDK's stay at INFO.
 */
final class Logging {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Logging() {}

    static void configure(int verbosity) {
        Logger root = Logger.getLogger("");
        for (var handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Level level = switch (verbosity) {
            case 0 -> Level.INFO;
            case 1 -> Level.FINE;
            default -> Level.FINEST;
        };
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(level);
        console.setFormatter(new OneLine());
        root.addHandler(console);
        root.setLevel(Level.INFO);
        Logger.getLogger("dev.speicherd").setLevel(level);
    }

    /** {@code 2026-11-24T10:00:00.000Z INFO Server: message}, then the stack trace if any. */
    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            String source = r.getLoggerName() == null ? "" : r.getLoggerName();
            source = source.substring(source.lastIndexOf('.') + 1);
            StringBuilder b = new StringBuilder(128)
                    .append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ')
                    .append(r.getLevel().getName()).append(' ')
                    .append(source).append(": ")
                    .append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                var trace = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                b.append(trace);
            }
            return b.toString();
        }
    }
}
