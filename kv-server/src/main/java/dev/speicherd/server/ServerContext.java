package dev.speicherd.server;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Store;

/**
 * What a protocol handler needs of the server it runs in.
 *
 * @param store the one keyspace every protocol shares
 * @param clock the time source for expiry
 * @param config the effective configuration
 * @param stats the server-wide counters
 */
public record ServerContext(Store store, Clock clock, ServerConfig config, ServerStats stats) {}
