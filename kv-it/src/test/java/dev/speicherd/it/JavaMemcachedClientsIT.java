package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.utils.AddrUtil;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** spymemcached and xmemcached, in their default (text) protocol, against the jar. */
class JavaMemcachedClientsIT {

    static final int THREADS = 16;
    static final int OPS_PER_THREAD = 300;

    @RegisterExtension
    static final SharedServer server = new SharedServer();

    private static net.spy.memcached.MemcachedClient spy() throws Exception {
        return new net.spy.memcached.MemcachedClient(new InetSocketAddress("127.0.0.1", server.memcachedPort()));
    }

    private static MemcachedClient xmemcached() throws Exception {
        XMemcachedClientBuilder builder =
                new XMemcachedClientBuilder(AddrUtil.getAddresses("127.0.0.1:" + server.memcachedPort()));
        builder.setConnectionPoolSize(2);
        return builder.build();
    }

    @Test
    void spymemcachedCommands() throws Exception {
        net.spy.memcached.MemcachedClient c = spy();
        try {
            assertTrue(c.set("spy:k", 0, "v").get(5, TimeUnit.SECONDS));
            assertEquals("v", c.get("spy:k"));
            assertNull(c.get("spy:absent"));
            assertTrue(c.set("spy:a", 0, "1").get() && c.set("spy:b", 0, 2).get());
            Map<String, Object> bulk = c.getBulk("spy:a", "spy:b", "spy:absent");
            assertEquals(Map.of("spy:a", "1", "spy:b", 2), bulk);

            CASValue<Object> gets = c.gets("spy:k");
            assertEquals("v", gets.getValue());
            assertEquals(CASResponse.OK, c.cas("spy:k", gets.getCas(), "w"));
            assertEquals(CASResponse.EXISTS, c.cas("spy:k", gets.getCas(), "x"));
            assertEquals(CASResponse.NOT_FOUND, c.cas("spy:absent", 1, "x"));
            assertEquals("w", c.get("spy:k"));

            assertEquals(10, c.incr("spy:n", 1, 10));
            assertEquals(15, c.incr("spy:n", 5));
            assertEquals(12, c.decr("spy:n", 3));
            assertEquals(-1, c.incr("spy:absent", 1));

            assertTrue(c.add("spy:add", 0, "a").get());
            assertFalse(c.add("spy:add", 0, "b").get());
            assertTrue(c.replace("spy:add", 0, "c").get());
            assertTrue(c.append(0, "spy:add", "d").get());
            assertTrue(c.prepend(0, "spy:add", "p").get());
            assertEquals("pcd", c.get("spy:add"));

            assertTrue(c.touch("spy:k", 100).get());
            assertFalse(c.touch("spy:absent", 100).get());
            assertTrue(c.delete("spy:k").get());
            assertFalse(c.delete("spy:k").get());
            assertNull(c.get("spy:k"));

            Map<java.net.SocketAddress, Map<String, String>> stats = c.getStats();
            Map<String, String> one = stats.values().iterator().next();
            assertTrue(Long.parseLong(one.get("cmd_get")) > 0, one.toString());
            assertFalse(c.getVersions().isEmpty());
        } finally {
            c.shutdown(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void xmemcachedCommands() throws Exception {
        MemcachedClient c = xmemcached();
        try {
            assertTrue(c.set("x:k", 0, "v"));
            assertEquals("v", c.get("x:k"));
            assertNull(c.get("x:absent"));
            c.set("x:a", 0, "1");
            c.set("x:b", 0, 2L);
            Map<String, Object> multi = c.get(List.of("x:a", "x:b", "x:absent"));
            assertEquals(Map.of("x:a", "1", "x:b", 2L), multi);

            GetsResponse<Object> gets = c.gets("x:k");
            assertTrue(c.cas("x:k", 0, "w", gets.getCas()));
            assertFalse(c.cas("x:k", 0, "x", gets.getCas()));
            GetsResponse<Object> again = c.gets("x:k");
            assertNotEquals(gets.getCas(), again.getCas());
            assertEquals("w", again.getValue());

            assertEquals(7, c.incr("x:n", 1, 7));
            assertEquals(8, c.incr("x:n", 1));
            assertEquals(3, c.decr("x:n", 5));
            assertEquals(0, c.decr("x:n", 50));

            assertTrue(c.add("x:add", 0, "a"));
            assertFalse(c.add("x:add", 0, "b"));
            assertTrue(c.replace("x:add", 0, "c"));
            assertTrue(c.append("x:add", "d"));
            assertTrue(c.prepend("x:add", "p"));
            assertEquals("pcd", c.get("x:add"));

            assertTrue(c.touch("x:k", 100));
            assertFalse(c.touch("x:absent", 100));
            assertTrue(c.delete("x:k"));
            assertFalse(c.delete("x:k"));
            assertNull(c.get("x:k"));
            assertFalse(c.getStats().isEmpty());
        } finally {
            c.shutdown();
        }
    }

    @Test
    void manyThreadsThroughBothClientsAgreeOnOneCounter() throws Exception {
        CrossClientCounter.run(spy(), xmemcached(), "both:", THREADS, OPS_PER_THREAD);
    }
}
