package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;

/**
 * Every command spymemcached and xmemcached expose for a key, driven through a client in
 * whichever protocol it was built for (text or binary): the same checks prove both protocols.
 * Keys start with {@code prefix}, so one server can take several runs.
 */
final class ClientCommandChecks {

    private ClientCommandChecks() {}

    static void spymemcached(net.spy.memcached.MemcachedClient c, String prefix) throws Exception {
        assertTrue(c.set(prefix + "k", 0, "v").get(5, TimeUnit.SECONDS));
        assertEquals("v", c.get(prefix + "k"));
        assertNull(c.get(prefix + "absent"));
        assertTrue(c.set(prefix + "a", 0, "1").get() && c.set(prefix + "b", 0, 2).get());
        assertEquals(Map.of(prefix + "a", "1", prefix + "b", 2),
                c.getBulk(prefix + "a", prefix + "b", prefix + "absent"));

        CASValue<Object> gets = c.gets(prefix + "k");
        assertEquals("v", gets.getValue());
        assertEquals(CASResponse.OK, c.cas(prefix + "k", gets.getCas(), "w"));
        assertEquals(CASResponse.EXISTS, c.cas(prefix + "k", gets.getCas(), "x"));
        assertEquals(CASResponse.NOT_FOUND, c.cas(prefix + "absent", 1, "x"));
        assertEquals("w", c.get(prefix + "k"));

        assertEquals(10, c.incr(prefix + "n", 1, 10));
        assertEquals(15, c.incr(prefix + "n", 5));
        assertEquals(12, c.decr(prefix + "n", 3));
        assertEquals(-1, c.incr(prefix + "absent", 1), "incr without a default does not create");

        assertTrue(c.add(prefix + "add", 0, "a").get());
        assertFalse(c.add(prefix + "add", 0, "b").get());
        assertTrue(c.replace(prefix + "add", 0, "c").get());
        assertFalse(c.replace(prefix + "absent", 0, "c").get());
        assertTrue(c.append(0, prefix + "add", "d").get());
        assertTrue(c.prepend(0, prefix + "add", "p").get());
        assertEquals("pcd", c.get(prefix + "add"));

        assertTrue(c.touch(prefix + "k", 100).get());
        assertFalse(c.touch(prefix + "absent", 100).get());
        assertTrue(c.delete(prefix + "k").get());
        assertFalse(c.delete(prefix + "k").get());
        assertNull(c.get(prefix + "k"));

        Map<String, String> stats = c.getStats().values().iterator().next();
        assertTrue(Long.parseLong(stats.get("cmd_get")) > 0, stats.toString());
        assertTrue(c.getVersions().values().iterator().next().startsWith("1.6.18-speicherd-"));
    }

    static void xmemcached(MemcachedClient c, String prefix) throws Exception {
        assertTrue(c.set(prefix + "k", 0, "v"));
        assertEquals("v", c.get(prefix + "k"));
        assertNull(c.get(prefix + "absent"));
        c.set(prefix + "a", 0, "1");
        c.set(prefix + "b", 0, 2L);
        Map<String, Object> multi = c.get(List.of(prefix + "a", prefix + "b", prefix + "absent"));
        assertEquals(Map.of(prefix + "a", "1", prefix + "b", 2L), multi);

        GetsResponse<Object> gets = c.gets(prefix + "k");
        assertTrue(c.cas(prefix + "k", 0, "w", gets.getCas()));
        assertFalse(c.cas(prefix + "k", 0, "x", gets.getCas()));
        GetsResponse<Object> again = c.gets(prefix + "k");
        assertNotEquals(gets.getCas(), again.getCas());
        assertEquals("w", again.getValue());

        assertEquals(7, c.incr(prefix + "n", 1, 7));
        assertEquals(8, c.incr(prefix + "n", 1));
        assertEquals(3, c.decr(prefix + "n", 5));
        assertEquals(0, c.decr(prefix + "n", 50));

        assertTrue(c.add(prefix + "add", 0, "a"));
        assertFalse(c.add(prefix + "add", 0, "b"));
        assertTrue(c.replace(prefix + "add", 0, "c"));
        assertTrue(c.append(prefix + "add", "d"));
        assertTrue(c.prepend(prefix + "add", "p"));
        assertEquals("pcd", c.get(prefix + "add"));

        assertTrue(c.touch(prefix + "k", 100));
        assertFalse(c.touch(prefix + "absent", 100));
        assertTrue(c.delete(prefix + "k"));
        assertFalse(c.delete(prefix + "k"));
        assertNull(c.get(prefix + "k"));
        assertFalse(c.getStats().isEmpty());
    }
}
