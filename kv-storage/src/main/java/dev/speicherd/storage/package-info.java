/**
 * The storage engines behind the {@link dev.speicherd.api.Store} contract. {@link
 * dev.speicherd.storage.MemoryStore} keeps every item in a lock-striped open-addressing table
 * ({@link dev.speicherd.storage.SlotTable}) with lock-free reads, forgets expired
 * items lazily and with a bounded background sweep, and evicts approximately least recently used
 * items to stay under a memory limit. {@link dev.speicherd.storage.LogStore} is the same memory
 * behind an append-only log: every change is written to the log from inside its atomic section
 * before it is acknowledged, synced by policy, replayed on open with torn tails cut off, and
 * compacted in the background. Engines here see only {@code dev.speicherd.api} and the JDK; the
 * wire protocols never see them, only the {@code Store} they implement.
 */
package dev.speicherd.storage;
