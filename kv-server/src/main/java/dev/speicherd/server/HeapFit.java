package dev.speicherd.server;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether the items a memory limit lets in fit the JVM's heap. The store counts the heap its
 * items take, so a limit at the heap's size fills it with items alone; the garbage beside them
 * (young items not yet collected, replaced items not yet reclaimed) needs room too, and a heap
 * that runs out ends the server ({@code -XX:+ExitOnOutOfMemoryError}). The rule, as README
 * "Memory" gives it: a heap of at least 1.5 times the limit. A limit past it is a warning, not
 * an error: a cache whose keys take less than its limit never gets there, and the JVM's default
 * heap on a small machine may be under it with the default limit.
 */
public final class HeapFit {

    private static final long MIB = 1 << 20;

    private HeapFit() {}

    /** The heap that {@code limitBytes} of items need: 1.5 times the limit, rounded up; none for no limit (0). */
    private static long heapNeeded(long limitBytes) {
        return limitBytes + (limitBytes + 1) / 2;
    }

    /**
     * A warning for an operator when {@code limitBytes} of items may not fit a heap of at most
     * {@code maxHeapBytes}; empty when it does, or when there is no limit (0).
     */
    public static Optional<String> warning(long limitBytes, long maxHeapBytes) {
        long needed = heapNeeded(limitBytes);
        if (needed <= maxHeapBytes) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "memory limit %d MiB needs a heap of at least %d MiB, and the JVM's can grow to %d MiB: if the items"
                        + " fill the limit, the server runs out of heap and exits; raise -Xmx (SPEICHERD_JAVA_OPTS)"
                        + " or lower the limit",
                limitBytes / MIB, (needed + MIB - 1) / MIB, maxHeapBytes / MIB));
    }

    /** {@link #warning} for this JVM's heap ({@link Runtime#maxMemory}). */
    public static Optional<String> warning(long limitBytes) {
        return warning(limitBytes, Runtime.getRuntime().maxMemory());
    }
}
