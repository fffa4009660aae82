package dev.speicherd.codec.memcached;

import dev.speicherd.codec.memcached.MemcachedCommand.MetaVerb;

/**
 * The flags each meta command accepts: those of memcached 1.6's protocol.txt that speicherd
 * carries out. The rest (hit and last-access reporting {@code h l}, early recache {@code R},
 * explicit CAS {@code E}, invalidation {@code I x}, and a TTL change from {@code md}/{@code ma})
 * are refused with {@code CLIENT_ERROR invalid flag} rather than silently ignored.
 */
final class MetaFlags {

    private MetaFlags() {}

    /** The flag letters {@code verb} accepts; any other is {@code CLIENT_ERROR invalid flag}. */
    static String allowed(MetaVerb verb) {
        return switch (verb) {
            case GET -> "bcfkOqstuvNT";
            case SET -> "bcCFkOqTM";
            case DELETE -> "bCkOq";
            case ARITHMETIC -> "bCNJDMOqtcvk";
            case DEBUG -> "b";
            case NOOP -> "";
        };
    }
}
