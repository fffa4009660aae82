package dev.speicherd.server;

import java.util.List;

/**
 * Every command-line flag in one place: its names, its environment variable, its default and its
 * help text. {@link ConfigParser} reads them; {@code --help} prints them.
 */
enum Flag {
    SPEICHER_PORT("--speicher-port", null, "N", "14567",
            "speicher protocol listener port; 0 turns it off"),
    MEMCACHED_PORT("--memcached-port", "-p", "N", "11211",
            "memcached protocol listener port; 0 turns it off"),
    LISTEN("--listen", "-l", "ADDR", "127.0.0.1",
            "address to bind"),
    ENGINE("--engine", null, "memory|log", "memory",
            "storage engine"),
    DATA_DIR("--data-dir", null, "DIR", "./data",
            "where the log engine keeps its files"),
    FSYNC("--fsync", null, "always|everysec|no", "everysec",
            "log engine durability"),
    COMPACT_MIN_SIZE("--compact-min-size", null, "SIZE", "64m",
            "the log engine rewrites its log once it is at least this big ..."),
    COMPACT_MULTIPLE("--compact-multiple", null, "N", "2",
            "... and N times the live data or more"),
    LOG_REPAIR("--log-repair", null, null, null,
            "start even if the log is corrupt in the middle, dropping everything after the damage"),
    MEMORY_LIMIT("--memory-limit", "-m", "SIZE", "64m",
            "bytes of items held before LRU eviction; a bare number is MiB as in memcached; 0: no limit"),
    MAX_ITEM_SIZE("--max-item-size", "-I", "SIZE", "1m",
            "largest value"),
    MAX_CONNECTIONS("--max-connections", "-c", "N", "1024",
            "open connections; past it new ones are refused"),
    CLIENT_MEMORY("--client-memory", null, "SIZE", "64m",
            "heap that large requests and answers in flight may take together, beyond each connection's"
                    + " buffers; at least twice the largest request (max item size + 64k, or a 1 MiB line)"),
    IDLE_TIMEOUT("--idle-timeout", null, "SECONDS", "0",
            "close connections idle this long; 0: never"),
    IO_THREADS("--io-threads", "-t", "N", String.valueOf(Runtime.getRuntime().availableProcessors()),
            "event-loop threads serving connections; the default is one per processor"),
    IO("--io", null, "auto|nio|io_uring", "auto",
            "how connections' bytes move: io_uring (Linux: a turn's reads and writes in one system call),"
                    + " nio (the JDK's selector), or auto: io_uring where the kernel allows it, else nio"),
    VERBOSE("-v", null, null, null,
            "more logging (-vv: even more)"),
    VERSION("--version", null, null, null,
            "print the version and exit"),
    HELP("--help", "-h", null, null,
            "print this help and exit");

    final String name;
    final String alias;
    final String metavar;
    final String defaultValue;
    final String help;

    Flag(String name, String alias, String metavar, String defaultValue, String help) {
        this.name = name;
        this.alias = alias;
        this.metavar = metavar;
        this.defaultValue = defaultValue;
        this.help = help;
    }

    /** Whether the flag takes a value. */
    boolean takesValue() {
        return metavar != null;
    }

    /**
     * The environment variable that sets this flag, e.g. {@code SPEICHERD_MEMORY_LIMIT}; null for
     * flags that only make sense on a command line.
     */
    String environmentVariable() {
        return takesValue() || this == LOG_REPAIR
                ? "SPEICHERD_" + name.substring(2).replace('-', '_').toUpperCase(java.util.Locale.ROOT)
                : null;
    }

    /** The names this flag answers to. */
    List<String> names() {
        return alias == null ? List.of(name) : List.of(name, alias);
    }
}
