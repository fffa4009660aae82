package dev.speicherd.server;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether what the server may hold fits the JVM's heap. The store counts the heap its items take,
 * so a limit at the heap's size fills it with items alone; the garbage beside them (young items
 * not yet collected, replaced items not yet reclaimed) needs room too, and so do the clients: the
 * buffers every connection holds, and what large requests and answers take on top of them, up to
 * {@code --client-memory}. A heap that runs out ends the server ({@code
 * -XX:+ExitOnOutOfMemoryError}). The rule, as README "Memory" gives it: 1.5 times the memory
 * limit, plus the client memory, plus {@link #CONNECTION_BYTES} for each connection allowed. A
 * heap under it is a warning, not an error: a cache whose keys take less than its limit, or whose
 * clients are fewer, never gets there, and a heap the operator sized may be under it on purpose.
 *
 * <p>The rule's heap is also what {@code bin/speicherd} starts the JVM with when the operator does
 * not size the heap ({@link #launchHeap}, asked through {@link LaunchHeap}): a heap bounded near
 * what the server holds keeps the process's memory in proportion to {@code -m}, and G1 then
 * reuses the old regions its mixed collections free instead of growing into fresh memory, which
 * shortens the young pauses (README, "JVM settings").
 */
public final class HeapFit {

    private static final long MIB = 1 << 20;
    /**
     * The heap an open connection holds: its input and output buffers and its protocol reader's
     * (16 KiB each), and its objects. Measured: 2,000 connections that had each sent one request
     * took 52,781 bytes apiece of heap after a full collection over memcached, 45,040 over speicher.
     */
    static final long CONNECTION_BYTES = 52 * 1024;

    private HeapFit() {}

    /** The heap the rule asks for; no item limit (0) asks for none for the items. */
    private static long heapNeeded(long limitBytes, long clientMemoryBytes, int maxConnections) {
        return limitBytes + (limitBytes + 1) / 2 + clientMemoryBytes + maxConnections * CONNECTION_BYTES;
    }

    /**
     * A warning for an operator when {@code limitBytes} of items, the client memory and the
     * connections may not fit a heap of at most {@code maxHeapBytes}; empty when they do.
     */
    public static Optional<String> warning(long limitBytes, ServerConfig config, long maxHeapBytes) {
        long needed = heapNeeded(limitBytes, config.clientMemoryBytes(), config.maxConnections());
        if (needed <= maxHeapBytes) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "memory limit %d MiB needs a heap of at least %d MiB (1.5 x the limit, client memory %d MiB,"
                        + " %d connections), and the JVM's can grow to %d MiB: if the items fill the limit, the"
                        + " server runs out of heap and exits; raise -Xmx (SPEICHERD_JAVA_OPTS) or lower the limit",
                limitBytes / MIB, (needed + MIB - 1) / MIB, config.clientMemoryBytes() / MIB,
                config.maxConnections(), maxHeapBytes / MIB));
    }

    /**
     * The heap to start the JVM with for this configuration, in whole MiB: the rule's; 0 for none,
     * which leaves the JVM's own default, when there is no item limit (nothing bounds the items).
     */
    static long launchHeap(ServerConfig config) {
        if (config.memoryLimitBytes() == 0) {
            return 0;
        }
        long needed = heapNeeded(config.memoryLimitBytes(), config.clientMemoryBytes(), config.maxConnections());
        return (needed + MIB - 1) / MIB * MIB;
    }

    /** {@link #warning} for this JVM's heap ({@link Runtime#maxMemory}). */
    public static Optional<String> warning(long limitBytes, ServerConfig config) {
        return warning(limitBytes, config, Runtime.getRuntime().maxMemory());
    }
}
