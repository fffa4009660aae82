package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The memcached ecosystem's own tools and Python clients against the jar: libmemcached's
 * memcapable, pymemcache and python-memcached (Debian packages; .ci/run installs them).
 */
class MemcachedToolsIT {

    /** memcapable's ASCII tests that memcached 1.6.18 passes on this machine: all of them. */
    static final int MEMCAPABLE_ASCII_TESTS = 27;

    @RegisterExtension
    static final SharedServer server = new SharedServer();

    @Test
    void memcapableAsciiPassesEveryTest() throws Exception {
        String memcapable = "/usr/bin/memccapable";
        assertTrue(Files.isExecutable(Path.of(memcapable)),
                "memccapable missing: install libmemcached-tools (.ci/run does)");
        Process p = new ProcessBuilder(memcapable, "-h", "127.0.0.1", "-p",
                Integer.toString(server.memcachedPort()), "-a").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertEquals(MEMCAPABLE_ASCII_TESTS, out.lines().filter(l -> l.endsWith("[pass]")).count(), out);
        assertTrue(out.contains("All tests passed"), out);
    }

    @Test
    void pymemcacheExercisesEveryCommandItHas() throws Exception {
        Python.Result result = Python.run("pymemcache_functional.py", "127.0.0.1", server.memcachedPort());
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void pythonMemcachedExercisesEveryCommandItHas() throws Exception {
        Python.Result result = Python.run("python_memcached_functional.py", "127.0.0.1", server.memcachedPort());
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void theSpeicherPortServesMemcachedTextToo() throws Exception {
        Python.Result result = Python.run("pymemcache_functional.py", "127.0.0.1", server.speicherPort());
        assertEquals(0, result.exitCode(), result.output());
    }
}
