package dev.speicherd.it;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Python script of {@code src/test/python} kept running while a test goes on: the test writes
 * one command a line to its standard input and reads one JSON line back per command. A client's
 * state (its connections, which servers it thinks are dead) thus outlives what the test does to
 * the servers between two commands.
 */
final class PythonSession implements AutoCloseable {

    static final long REPLY_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final Writer in;
    private final BufferedReader out;
    private final Path stderr;
    private final String script;

    private PythonSession(String script, Process process, Path stderr) {
        this.script = script;
        this.process = process;
        this.stderr = stderr;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static PythonSession start(String script, Object... args) {
        List<String> command = new ArrayList<>(List.of(Python.interpreter(), Python.script(script).toString()));
        for (Object arg : args) {
            command.add(String.valueOf(arg));
        }
        try {
            Path stderr = Files.createTempFile("speicherd-" + script, ".err");
            stderr.toFile().deleteOnExit();
            Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            return new PythonSession(script, p, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one command line and returns the script's JSON answer to it. */
    JsonObject call(String commandLine) throws IOException, InterruptedException {
        in.write(commandLine + "\n");
        in.flush();
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String answer;
        try {
            answer = line.get(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException(script + " gave no answer to '" + commandLine + "': " + e
                    + "\nstderr:\n" + stderrText(), e);
        }
        if (answer == null) {
            throw new IllegalStateException(script + " ended before answering '" + commandLine
                    + "'; stderr:\n" + stderrText());
        }
        return JsonParser.parseString(answer).getAsJsonObject();
    }

    String stderrText() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + stderr + ")";
        }
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
