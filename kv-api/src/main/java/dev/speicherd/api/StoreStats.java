package dev.speicherd.api;

/**
 * A snapshot of a store's occupancy, as memcached's {@code stats} reports it.
 *
 * @param currItems live items held now (expired items not yet reclaimed may be counted)
 * @param totalItems items stored since start
 * @param bytes bytes held by items, by the engine's accounting of keys, values and per-item
 *     overhead
 * @param limitBytes the memory limit in bytes, or 0 for none
 * @param evictions live items removed to stay under the memory limit
 * @param reclaimed expired items removed, by access or by the background sweep
 * @param syncs fsyncs a durable engine made of its changes since it opened; 0 for an engine that
 *     keeps nothing
 */
public record StoreStats(
        long currItems, long totalItems, long bytes, long limitBytes, long evictions, long reclaimed, long syncs) {}
