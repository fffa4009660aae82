package dev.speicherd.bench.jmh;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.speicherd.codec.speicher.SpeicherCommand;
import dev.speicherd.codec.speicher.SpeicherFrameReader;
import dev.speicherd.codec.speicher.SpeicherFrameWriter;
import dev.speicherd.codec.speicher.SpeicherResponse;
import dev.speicherd.codec.speicher.SpeicherValues;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The speicher protocol's per-request work in speicherd: decoding a GET and a SET frame (length
 * prefix, JSON validation, one pass for key and value), and encoding the reply to a GET,
 * both alone ({@code writeFound}) and with the check of the stored bytes that every GET makes
 * first ({@code answerGet}: {@link SpeicherValues#toJson} then the frame). The value is a JSON
 * string, as the Python client sends a str. {@code gsonTreeGet} is what the reader spent on Gson
 * before it decoded requests itself: the frame body, already a String, parsed into a tree, kept
 * as the yardstick for that change.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpeicherCodecBenchmark {

    /** The length of the value string, without its quotes. */
    @Param({"100"})
    public int valueBytes;

    private RequestSource getFrame;
    private SpeicherFrameReader getReader;
    private RequestSource setFrame;
    private SpeicherFrameReader setReader;
    private ReplySink replies;
    private SpeicherFrameWriter writer;
    private byte[] storedJson;
    private String getBody;

    @Setup
    public void setUp() throws IOException {
        String value = "v".repeat(valueBytes);
        storedJson = ("\"" + value + "\"").getBytes(UTF_8);
        getBody = "{\"command\":\"GET\",\"key\":\"key:0000004242\"}";
        getFrame = new RequestSource(frame(getBody));
        getReader = new SpeicherFrameReader(getFrame, 64 * 1024 * 1024);
        setFrame = new RequestSource(
                frame("{\"command\":\"SET\",\"key\":\"key:0000004242\",\"value\":\"" + value + "\"}"));
        setReader = new SpeicherFrameReader(setFrame, 64 * 1024 * 1024);
        replies = new ReplySink(valueBytes + 256);
        writer = new SpeicherFrameWriter(replies);
        if (!(decodeGet() instanceof SpeicherCommand.Get) || !(decodeSet() instanceof SpeicherCommand.Set)) {
            throw new IllegalStateException("the benchmark's frames do not decode");
        }
    }

    private static byte[] frame(String json) {
        byte[] body = json.getBytes(UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    @Benchmark
    public SpeicherCommand decodeGet() throws IOException {
        getFrame.reset();
        return getReader.read();
    }

    @Benchmark
    public SpeicherCommand decodeSet() throws IOException {
        setFrame.reset();
        return setReader.read();
    }

    @Benchmark
    public JsonElement gsonTreeGet() {
        JsonReader reader = new JsonReader(new StringReader(getBody));
        reader.setStrictness(Strictness.STRICT);
        return JsonParser.parseReader(reader);
    }

    @Benchmark
    public int writeFound() throws IOException {
        replies.reset();
        writer.write(new SpeicherResponse.Found(storedJson));
        return replies.size();
    }

    @Benchmark
    public int answerGet() throws IOException {
        replies.reset();
        writer.write(new SpeicherResponse.Found(SpeicherValues.toJson(storedJson)));
        return replies.size();
    }
}
