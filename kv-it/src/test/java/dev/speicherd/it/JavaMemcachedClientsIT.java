package dev.speicherd.it;


import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.utils.AddrUtil;
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
            ClientCommandChecks.spymemcached(c, "spy:");
        } finally {
            c.shutdown(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void xmemcachedCommands() throws Exception {
        MemcachedClient c = xmemcached();
        try {
            ClientCommandChecks.xmemcached(c, "x:");
        } finally {
            c.shutdown();
        }
    }

    @Test
    void manyThreadsThroughBothClientsAgreeOnOneCounter() throws Exception {
        CrossClientCounter.run(spy(), xmemcached(), "both:", THREADS, OPS_PER_THREAD);
    }
}
