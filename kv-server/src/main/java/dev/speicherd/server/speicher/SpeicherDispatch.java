package dev.speicherd.server.speicher;

import static java.lang.System.Logger.Level.DEBUG;

import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.StorageException;
import dev.speicherd.api.Store;
import dev.speicherd.codec.speicher.SpeicherCommand;
import dev.speicherd.codec.speicher.SpeicherResponse;
import dev.speicherd.codec.speicher.SpeicherValues;
import dev.speicherd.server.ServerContext;
import dev.speicherd.server.ConnectionStats;

/**
 * Carries out one speicher command against the shared store and counts it as memcached counts
 * the same operation ({@code cmd_get}, {@code get_hits}, ...), since both protocols report one
 * set of stats.
 */
final class SpeicherDispatch {

    private static final System.Logger LOG = System.getLogger(SpeicherDispatch.class.getName());

    /** The flags of an item stored over speicher, which has none; memcached clients see 0. */
    static final int SPEICHER_FLAGS = 0;

    private SpeicherDispatch() {}

    /**
     * Executes a command.
     *
     * @return the answer; a store failure is a {@link SpeicherResponse.ServerError}, not thrown
     */
    static SpeicherResponse execute(SpeicherCommand command, ServerContext context, ConnectionStats stats) {
        try {
            return switch (command) {
                case SpeicherCommand.Set set -> set(set, context, stats);
                case SpeicherCommand.Get get -> get(get, context, stats);
                case SpeicherCommand.Delete delete -> delete(delete, context, stats);
                case SpeicherCommand.Reset reset -> reset(context, stats);
            };
        } catch (StorageException e) {
            LOG.log(DEBUG, "store failed", e);
            return new SpeicherResponse.ServerError(e.getMessage() == null ? "storage failed" : e.getMessage());
        }
    }

    private static SpeicherResponse set(SpeicherCommand.Set set, ServerContext context, ConnectionStats stats) {
        int limit = context.config().maxItemBytes();
        if (set.valueJson().length > limit) {
            return new SpeicherResponse.BadRequest(
                    "value of " + set.valueJson().length + " bytes exceeds the item size limit of " + limit);
        }
        stats.cmdSet.increment();
        context.store().set(set.key(), set.valueJson(), SPEICHER_FLAGS, Item.NEVER);
        return SpeicherResponse.OK;
    }

    private static SpeicherResponse get(SpeicherCommand.Get get, ServerContext context, ConnectionStats stats) {
        stats.cmdGet.increment();
        return switch (context.store().get(get.key())) {
            case Lookup.Hit hit -> {
                stats.getHits.increment();
                yield new SpeicherResponse.Found(SpeicherValues.toJson(hit.item().value()));
            }
            case Lookup.Miss miss -> {
                stats.getMisses.increment();
                yield SpeicherResponse.NOT_FOUND;
            }
        };
    }

    private static SpeicherResponse delete(SpeicherCommand.Delete delete, ServerContext context, ConnectionStats stats) {
        return switch (context.store().delete(delete.key(), Store.ANY_CAS)) {
            case DELETED -> {
                stats.deleteHits.increment();
                yield SpeicherResponse.OK;
            }
            case NOT_FOUND -> {
                stats.deleteMisses.increment();
                yield SpeicherResponse.NOT_FOUND;
            }
            case EXISTS -> throw new IllegalStateException("the store reported a token mismatch for a delete without one");
        };
    }

    private static SpeicherResponse reset(ServerContext context, ConnectionStats stats) {
        stats.cmdFlush.increment();
        context.store().flushAll(context.clock().millis());
        return SpeicherResponse.OK;
    }
}
