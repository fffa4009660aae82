package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The speicher client's behaviour, end to end, against the jar. */
class SpeicherClientIT {

    private static ServerProcess server;

    @BeforeAll
    static void start() {
        server = ServerProcess.start("--max-item-size", "4m");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    @Test
    void pythonClientPassesEveryFunctionalCheck() throws Exception {
        Python.Result result = Python.run("speicher_functional.py", "127.0.0.1", server.speicherPort);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("OK"), result.output());
    }

    @Test
    void theMemcachedPortServesSpeicherFramesToo() throws Exception {
        Python.Result result = Python.run("speicher_functional.py", "127.0.0.1", server.memcachedPort);
        assertEquals(0, result.exitCode(), result.output());
    }
}
