package dev.speicherd.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns command-line arguments and environment variables into a {@link ServerConfig}. A flag
 * wins over its environment variable, which wins over the default. Every value is checked here,
 * so the rest of the server can trust its configuration.
 */
final class ConfigParser {

    /** The largest item we accept: Java arrays and our frame arithmetic stay within int range. */
    static final long MAX_ITEM_SIZE_CEILING = 1L << 30;
    /** The smallest item size limit, as memcached's {@code -I}. */
    static final long MAX_ITEM_SIZE_FLOOR = 1024;
    /** No size flag needs more than this (4 TiB); a larger one is a typo. */
    static final long MAX_SIZE = 1L << 42;
    static final long MAX_IDLE_TIMEOUT_SECONDS = 365L * 24 * 3600;
    /** More event loops than this would be threads with nothing to do. */
    static final int MAX_IO_THREADS = 256;
    /** Compacting below twice the live data would rewrite the log again and again. */
    static final long MIN_COMPACT_MULTIPLE = 2;
    static final long MAX_COMPACT_MULTIPLE = 100;

    /** What the command line asked for: run with a configuration, or just print something. */
    sealed interface Request {
        record Run(ServerConfig config, boolean logRepair) implements Request {}

        record Help() implements Request {}

        record Version() implements Request {}
    }

    private ConfigParser() {}

    /**
     * Parses arguments and environment.
     *
     * @param args the command-line arguments
     * @param env the environment, e.g. {@link System#getenv()}
     * @return what to do
     * @throws UsageException naming the flag and what is wrong with it
     */
    static Request parse(String[] args, Map<String, String> env) throws UsageException {
        Map<Flag, String> given = new EnumMap<>(Flag.class);
        int verbosity = 0;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                inlineValue = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (arg.equals("-vv")) {
                verbosity += 2;
                continue;
            }
            Flag flag = lookup(arg);
            if (flag == Flag.VERBOSE) {
                verbosity++;
                continue;
            }
            if (flag == Flag.HELP) {
                return new Request.Help();
            }
            if (flag == Flag.VERSION) {
                return new Request.Version();
            }
            if (!flag.takesValue()) {
                if (inlineValue != null) {
                    throw new UsageException(arg + " takes no value");
                }
                given.put(flag, "true");
                continue;
            }
            String value = inlineValue;
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value (" + flag.metavar + ")");
                }
                value = args[++i];
            }
            given.put(flag, value);
        }
        for (Flag flag : Flag.values()) {
            String variable = flag.environmentVariable();
            if (variable != null && !given.containsKey(flag) && env.get(variable) != null) {
                given.put(flag, env.get(variable));
            }
        }
        Values values = new Values(given);
        ServerConfig.Engine engine = values.get(Flag.ENGINE, v -> choice(v, ServerConfig.Engine.class));
        long memoryLimit = values.get(Flag.MEMORY_LIMIT, v -> size(v, 1024 * 1024));
        long maxItem = values.get(Flag.MAX_ITEM_SIZE, v -> size(v, 1));
        if (maxItem < MAX_ITEM_SIZE_FLOOR || maxItem > MAX_ITEM_SIZE_CEILING) {
            throw new UsageException(Flag.MAX_ITEM_SIZE.name + ": must be between 1k and 1g, got "
                    + values.raw(Flag.MAX_ITEM_SIZE));
        }
        if (memoryLimit > 0 && maxItem > memoryLimit) {
            throw new UsageException(Flag.MAX_ITEM_SIZE.name + ": " + values.raw(Flag.MAX_ITEM_SIZE)
                    + " is larger than the memory limit " + values.raw(Flag.MEMORY_LIMIT));
        }
        long clientMemory = values.get(Flag.CLIENT_MEMORY, v -> size(v, 1));
        long clientMemoryMinimum = ClientMemory.minimum((int) maxItem);
        if (clientMemory < clientMemoryMinimum) {
            if (values.given(Flag.CLIENT_MEMORY)) {
                throw new UsageException(Flag.CLIENT_MEMORY.name + ": " + values.raw(Flag.CLIENT_MEMORY)
                        + " is less than twice the largest request, " + clientMemoryMinimum + " bytes with "
                        + Flag.MAX_ITEM_SIZE.name + " " + values.raw(Flag.MAX_ITEM_SIZE));
            }
            clientMemory = clientMemoryMinimum; // the default grows with a large --max-item-size
        }
        ServerConfig.Io io = values.get(Flag.IO, v -> choice(v, ServerConfig.Io.class));
        if (io == ServerConfig.Io.IO_URING && engine == ServerConfig.Engine.LOG
                && values.get(Flag.FSYNC, v -> choice(v, ServerConfig.Fsync.class)) == ServerConfig.Fsync.ALWAYS) {
            throw new UsageException(Flag.IO.name + " io_uring: not with " + Flag.FSYNC.name
                    + " always, whose answers wait for the log's sync on the nio loops only");
        }
        ServerConfig config = new ServerConfig(
                values.get(Flag.SPEICHER_PORT, v -> integer(v, 0, 65535)).intValue(),
                values.get(Flag.MEMCACHED_PORT, v -> integer(v, 0, 65535)).intValue(),
                values.get(Flag.LISTEN, ConfigParser::address),
                engine,
                values.get(Flag.DATA_DIR, ConfigParser::path),
                values.get(Flag.FSYNC, v -> choice(v, ServerConfig.Fsync.class)),
                values.get(Flag.COMPACT_MIN_SIZE, v -> size(v, 1)),
                values.get(Flag.COMPACT_MULTIPLE, v -> integer(v, MIN_COMPACT_MULTIPLE, MAX_COMPACT_MULTIPLE)).intValue(),
                memoryLimit,
                (int) maxItem,
                values.get(Flag.MAX_CONNECTIONS, v -> integer(v, 1, 1_000_000)).intValue(),
                clientMemory,
                Duration.ofSeconds(values.get(Flag.IDLE_TIMEOUT, v -> integer(v, 0, MAX_IDLE_TIMEOUT_SECONDS))),
                values.get(Flag.IO_THREADS, v -> integer(v, 1, MAX_IO_THREADS)).intValue(),
                io,
                Math.min(verbosity, 2));
        return new Request.Run(config, given.containsKey(Flag.LOG_REPAIR)
                && !values.raw(Flag.LOG_REPAIR).equalsIgnoreCase("false"));
    }

    private static Flag lookup(String arg) throws UsageException {
        for (Flag flag : Flag.values()) {
            if (flag.names().contains(arg)) {
                return flag;
            }
        }
        throw new UsageException("unknown flag " + arg + " (see --help)");
    }

    /** A parser for one flag's value; it says what is wrong in a few words. */
    @FunctionalInterface
    private interface ValueParser<T> {
        T parse(String value) throws IllegalArgumentException;
    }

    /** The raw values by flag, with defaults, and the error message that names the flag. */
    private record Values(Map<Flag, String> given) {
        String raw(Flag flag) {
            return given.getOrDefault(flag, flag.defaultValue);
        }

        boolean given(Flag flag) {
            return given.containsKey(flag);
        }

        <T> T get(Flag flag, ValueParser<T> parser) throws UsageException {
            String raw = raw(flag);
            try {
                return parser.parse(raw);
            } catch (IllegalArgumentException e) {
                String source = given(flag) ? flag.name : "default of " + flag.name;
                throw new UsageException(source + ": " + e.getMessage() + ", got '" + raw + "'");
            }
        }
    }

    static long integer(String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
        }
        return n;
    }

    /**
     * Parses a size: digits, optionally followed by {@code k}, {@code m} or {@code g} (binary
     * multiples, either case). A bare number is multiplied by {@code bareUnit}.
     */
    static long size(String value, long bareUnit) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = bareUnit;
        long suffix = v.isEmpty() ? 0 : switch (v.charAt(v.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 0;
        };
        if (suffix != 0) {
            unit = suffix;
            v = v.substring(0, v.length() - 1);
        }
        if (v.isEmpty() || !v.chars().allMatch(Character::isDigit) || v.length() > 12) {
            throw new IllegalArgumentException("not a size (a number with an optional k, m or g)");
        }
        long n = Long.parseLong(v);
        if (n > Long.MAX_VALUE / unit || n * unit > MAX_SIZE) {
            throw new IllegalArgumentException("too large");
        }
        return n * unit;
    }

    private static InetAddress address(String value) {
        try {
            return InetAddress.getByName(value.trim());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a resolvable address");
        }
    }

    private static Path path(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("empty path");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a path");
        }
    }

    private static <E extends Enum<E>> E choice(String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.trim())) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            allowed.append(allowed.isEmpty() ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("must be one of " + allowed);
    }

    /** The help text: one line per flag, with its environment variable and default. */
    static String help() {
        StringBuilder b = new StringBuilder("""
                Usage: java -jar kv-server.jar [FLAGS]
                speicherd: a key-value server speaking the speicher and memcached protocols.

                """);
        for (Flag flag : Flag.values()) {
            String names = String.join(", ", flag.names().reversed())
                    + (flag.takesValue() ? " " + flag.metavar : "");
            b.append(String.format("  %-32s %s%n", names, flag.help));
            StringBuilder extra = new StringBuilder();
            if (flag.defaultValue != null) {
                extra.append("default ").append(flag.defaultValue);
            }
            String variable = flag.environmentVariable();
            if (variable != null) {
                extra.append(extra.isEmpty() ? "" : "; ").append("env ").append(variable);
            }
            if (!extra.isEmpty()) {
                b.append(String.format("  %-32s (%s)%n", "", extra));
            }
        }
        b.append("\nSIZE: a number with an optional k, m or g suffix (binary multiples), e.g. 64m.\n");
        return b.toString();
    }

}
