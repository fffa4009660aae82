package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigParserTest {

    private static ServerConfig parse(Map<String, String> env, String... args) throws UsageException {
        return assertInstanceOf(ConfigParser.Request.Run.class, ConfigParser.parse(args, env)).config();
    }

    private static ServerConfig parse(String... args) throws UsageException {
        return parse(Map.of(), args);
    }

    @Test
    void defaultsAreTheSpecs() throws Exception {
        ServerConfig c = parse();
        assertEquals(14567, c.speicherPort());
        assertEquals(11211, c.memcachedPort());
        assertEquals(InetAddress.getByName("127.0.0.1"), c.listen());
        assertEquals(ServerConfig.Engine.MEMORY, c.engine());
        assertEquals(Path.of("./data"), c.dataDir());
        assertEquals(ServerConfig.Fsync.EVERYSEC, c.fsync());
        assertEquals(64L << 20, c.memoryLimitBytes());
        assertEquals(1 << 20, c.maxItemBytes());
        assertEquals(1024, c.maxConnections());
        assertEquals(64L << 20, c.clientMemoryBytes());
        assertEquals(Duration.ZERO, c.idleTimeout());
        assertEquals(0, c.verbosity());
        assertEquals(64L << 20, c.compactMinBytes());
        assertEquals(2, c.compactMultiple());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.ioThreads(), "one event loop per processor");
    }

    @Test
    void ioThreadsAtTheirEdges() throws Exception {
        assertThrows(UsageException.class, () -> parse("--io-threads", "0"));
        assertEquals(1, parse("--io-threads", "1").ioThreads());
        assertEquals(ConfigParser.MAX_IO_THREADS, parse("-t", String.valueOf(ConfigParser.MAX_IO_THREADS)).ioThreads());
        assertThrows(UsageException.class, () -> parse("-t", String.valueOf(ConfigParser.MAX_IO_THREADS + 1)));
        assertEquals(3, parse(Map.of("SPEICHERD_IO_THREADS", "3")).ioThreads());
    }

    @Test
    void theEventLoopsIoIsAutoUnlessSaidAndIoUringIsRefusedUnderFsyncAlways() throws Exception {
        assertEquals(ServerConfig.Io.AUTO, parse().io());
        assertEquals(ServerConfig.Io.NIO, parse("--io", "nio").io());
        assertEquals(ServerConfig.Io.IO_URING, parse("--io=IO_URING").io());
        assertEquals(ServerConfig.Io.NIO, parse(Map.of("SPEICHERD_IO", "nio")).io());
        assertThrows(UsageException.class, () -> parse("--io", "epoll"));
        assertEquals(ServerConfig.Io.IO_URING, parse("--io", "io_uring", "--engine", "log").io()); // everysec
        assertEquals(ServerConfig.Io.IO_URING, parse("--io", "io_uring", "--fsync", "always").io()); // memory engine
        assertEquals(ServerConfig.Io.AUTO, parse("--engine", "log", "--fsync", "always").io());
        UsageException e = assertThrows(UsageException.class,
                () -> parse("--io", "io_uring", "--engine", "log", "--fsync", "always"));
        assertEquals("--io io_uring: not with --fsync always, whose answers wait for the log's sync on the nio loops"
                + " only", e.getMessage());
    }

    @Test
    void compactionSettingsAtTheirEdges() throws Exception {
        assertEquals(2, parse("--compact-multiple", "2").compactMultiple());
        assertThrows(UsageException.class, () -> parse("--compact-multiple", "1"));
        assertEquals(100, parse("--compact-multiple", "100").compactMultiple());
        assertThrows(UsageException.class, () -> parse("--compact-multiple", "101"));
        assertEquals(0, parse("--compact-min-size", "0").compactMinBytes());
        assertEquals(1 << 20, parse("--compact-min-size", "1m").compactMinBytes());
    }

    @Test
    void shortAndLongNamesAndInlineValues() throws Exception {
        ServerConfig c = parse("-p", "1", "--speicher-port=2", "-l", "0.0.0.0", "--engine", "LOG",
                "--data-dir", "/tmp/d", "--fsync=always", "-m", "128", "-I", "2m", "-c", "7",
                "--idle-timeout", "30", "-vv");
        assertEquals(1, c.memcachedPort());
        assertEquals(2, c.speicherPort());
        assertEquals(InetAddress.getByName("0.0.0.0"), c.listen());
        assertEquals(ServerConfig.Engine.LOG, c.engine());
        assertEquals(ServerConfig.Fsync.ALWAYS, c.fsync());
        assertEquals(128L << 20, c.memoryLimitBytes(), "a bare -m is MiB, as in memcached");
        assertEquals(2 << 20, c.maxItemBytes());
        assertEquals(7, c.maxConnections());
        assertEquals(Duration.ofSeconds(30), c.idleTimeout());
        assertEquals(2, c.verbosity());
    }

    @Test
    void theFlagWinsOverItsEnvironmentVariableWhichWinsOverTheDefault() throws Exception {
        Map<String, String> env = Map.of("SPEICHERD_MEMCACHED_PORT", "3", "SPEICHERD_MAX_ITEM_SIZE", "4k");
        assertEquals(3, parse(env).memcachedPort());
        assertEquals(4096, parse(env).maxItemBytes());
        assertEquals(5, parse(env, "-p", "5").memcachedPort());
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1024, 1024", "1k, 1024", "64m, 67108864", "1g, 1073741824", "2K, 2048"})
    void sizes(String text, long bytes) {
        assertEquals(bytes, ConfigParser.size(text, 1));
    }

    @Test
    void theItemSizeLimitAtItsEdges() throws Exception {
        assertEquals(1024, parse("-I", "1024").maxItemBytes());
        assertThrows(UsageException.class, () -> parse("-I", "1023"));
        assertEquals(1 << 30, parse("-I", "1g", "-m", "0").maxItemBytes());
        assertThrows(UsageException.class, () -> parse("-I", "1073741825", "-m", "0"));
        UsageException e = assertThrows(UsageException.class, () -> parse("-I", "65m"));
        assertTrue(e.getMessage().contains("memory limit"), e.getMessage());
    }

    @Test
    void theClientMemoryAtItsEdgesWhichTheItemSizeSets() throws Exception {
        long least = 2 * ((1 << 20) + 64 * 1024); // twice the largest speicher frame with 1 MiB items
        assertEquals(least, parse("--client-memory", least + "").clientMemoryBytes());
        UsageException e = assertThrows(UsageException.class, () -> parse("--client-memory", (least - 1) + ""));
        assertEquals("--client-memory: " + (least - 1) + " is less than twice the largest request, " + least
                + " bytes with --max-item-size 1m", e.getMessage());
        assertEquals(256L << 20, parse("--client-memory", "256m").clientMemoryBytes());
        assertEquals(1L << 30, parse(Map.of("SPEICHERD_CLIENT_MEMORY", "1g")).clientMemoryBytes());
        // the default follows a large item size up; a given value does not
        assertEquals(2 * ((128L << 20) + 64 * 1024), parse("-I", "128m", "-m", "0").clientMemoryBytes());
        assertThrows(UsageException.class, () -> parse("-I", "128m", "-m", "0", "--client-memory", "64m"));
    }

    @Test
    void portsAtTheirEdges() throws Exception {
        assertEquals(65535, parse("-p", "65535").memcachedPort());
        assertEquals(0, parse("-p", "0").memcachedPort());
        assertThrows(UsageException.class, () -> parse("-p", "65536"));
        assertThrows(UsageException.class, () -> parse("-p", "-1"));
    }

    @Test
    void errorsNameTheFlag() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--fsync", "maybe"));
        assertEquals("--fsync: must be one of always, everysec, no, got 'maybe'", e.getMessage());
        e = assertThrows(UsageException.class, () -> parse("-c"));
        assertEquals("-c needs a value (N)", e.getMessage());
        e = assertThrows(UsageException.class, () -> parse(Map.of("SPEICHERD_ENGINE", "tape")));
        assertTrue(e.getMessage().startsWith("--engine"), e.getMessage());
    }

    @Test
    void helpAndVersionAreRequestsOfTheirOwn() throws Exception {
        assertInstanceOf(ConfigParser.Request.Help.class, ConfigParser.parse(new String[] {"-h"}, Map.of()));
        assertInstanceOf(ConfigParser.Request.Version.class,
                ConfigParser.parse(new String[] {"--version"}, Map.of()));
        for (Flag flag : Flag.values()) {
            assertTrue(ConfigParser.help().contains(flag.name), flag.name);
        }
    }
}
