package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The speicher client's behaviour, end to end, against the jar. */
class SpeicherClientIT {

    @RegisterExtension
    static final SharedServer server = new SharedServer("--max-item-size", "4m");

    @Test
    void pythonClientPassesEveryFunctionalCheck() throws Exception {
        Python.Result result = Python.run("speicher_functional.py", "127.0.0.1", server.speicherPort());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("OK"), result.output());
    }

    @Test
    void theMemcachedPortServesSpeicherFramesToo() throws Exception {
        Python.Result result = Python.run("speicher_functional.py", "127.0.0.1", server.memcachedPort());
        assertEquals(0, result.exitCode(), result.output());
    }
}
