package dev.speicherd.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The effective configuration of one server, after flags and environment variables.
 *
 * @param speicherPort the speicher listener's port; 0 turns it off
 * @param memcachedPort the memcached listener's port; 0 turns it off
 * @param listen the address both listeners bind
 * @param engine the storage engine
 * @param dataDir where the log engine keeps its files
 * @param fsync the log engine's durability policy
 * @param compactMinBytes the log size below which the log engine never compacts
 * @param compactMultiple how many times the live data the log must grow to before compaction
 * @param memoryLimitBytes bytes of items held before LRU eviction; 0 for no limit
 * @param maxItemBytes the largest value a client may store
 * @param maxConnections open connections; past it new ones are refused
 * @param clientMemoryBytes the heap the event loops' connection buffers may take together beyond
 *     their starting size, see {@code ClientMemory}
 * @param idleTimeout how long a connection may stay silent; {@link Duration#ZERO} for ever
 * @param ioThreads the event loops that serve connections
 * @param io how the event loops move connections' bytes
 * @param verbosity 0 normal, 1 for {@code -v}, 2 for {@code -vv}
 */
public record ServerConfig(
        int speicherPort,
        int memcachedPort,
        InetAddress listen,
        Engine engine,
        Path dataDir,
        Fsync fsync,
        long compactMinBytes,
        int compactMultiple,
        long memoryLimitBytes,
        int maxItemBytes,
        int maxConnections,
        long clientMemoryBytes,
        Duration idleTimeout,
        int ioThreads,
        Io io,
        int verbosity) {

    /** The storage engines. */
    public enum Engine { MEMORY, LOG }

    /**
     * How the event loops move connections' bytes: through the JDK's selector, one system call
     * per read and per write, or through io_uring, which hands the kernel a turn's reads and
     * writes in one; {@code AUTO} takes io_uring where the kernel allows it.
     */
    public enum Io { AUTO, NIO, IO_URING }

    /** The log engine's fsync policies. */
    public enum Fsync { ALWAYS, EVERYSEC, NO }

    /**
     * The largest speicher frame accepted: the largest item plus room for the JSON around it
     * (the key, the command, quoting and escapes of the value).
     *
     * @return bytes
     */
    public int maxFrameBytes() {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxItemBytes + FRAME_HEADROOM_BYTES);
    }

    /** What a speicher frame may carry beyond the item itself. */
    public static final int FRAME_HEADROOM_BYTES = 64 * 1024;
}
