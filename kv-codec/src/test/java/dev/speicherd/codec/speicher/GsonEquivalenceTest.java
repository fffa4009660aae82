package dev.speicherd.codec.speicher;

import static dev.speicherd.codec.speicher.Frames.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.speicherd.codec.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SpeicherFrameReader} decodes every body as the Gson tree it used to build did
 * ({@link GsonRequestReference}): the same command, key bytes and stored value bytes, or the
 * same 400 message. Bodies are written with {@code '} for {@code "}; JSON escapes are spelled
 * out ({@code \\u0061}), Java's own ({@code \u00e9}) are the raw UTF-8 of the character.
 */
class GsonEquivalenceTest {

    private static final long SEED = 20_240_611L;
    private static final int RANDOM_REQUESTS = 20_000;
    private static final int MUTATED_REQUESTS = 20_000;
    private static final int MAX_NESTING = 4;

    private static final String[] HANDWRITTEN = {
        "{'command':'GET','key':'a','key':'b'}",
        "{'command':'GET','key':7,'key':'k'}",
        "{'command':'GET','key':'k','key':7}",
        "{'command':'GET','key':'','key':'k'}",
        "{'command':'SET','command':'GET','key':'k'}",
        "{'command':'GET','command':1,'key':'k'}",
        "{'command':'RST','command':'FOO'}",
        "{'comm\\u0061nd':'GET','k\\u0065y':'k'}",
        "{'command':'\\u0053ET','key':'k','v\\u0061lue':1}",
        "{'command':'\\u0067et','key':'k'}",
        "{'command':'\\ud800GET'}",
        "{'command':'SET\\udc00'}",
        "{'command':'" + "X".repeat(31) + "\uD83D\uDE00 and more'}",
        "{'command':'" + "X".repeat(31) + "\\ud83d\\ude00 and more'}",
        "{'command':'a\\'b\\\\c\\/\\n'}",
        "{'command':'RST','key':''}",
        "{'\\ud800':'GET','command':'GET','key':'k'}",
        "{'value':1,'command':'SET','key':'k','value':null}",
        "{'command':'SET','key':'k','value':1,'value':2}",
        "{'command':'SET','key':'k','extra':{'a':1,'a':2},'value':'v'}",
        "{'command':'SET','key':'k','value':{'a':1,'b':2,'a':3}}",
        "{'command':'SET','key':'k','value':{'a':1,'\\u0061':2}}",
        "{'command':'SET','key':'k','value':{'\u00e9':1,'\\u00e9':2,'\\u00E9':3}}",
        "{'command':'SET','key':'k','value':{'\\ud800':1,'\\uD800':2,'\\udc00':3}}",
        "{'command':'SET','key':'k','value':{'\uD83D\uDE00':1,'\\ud83d\\ude00':2}}",
        "{'command':'SET','key':'k','value':{'a':{'x':1,'x':2},'a':{'y':[{'z':1,'z':{}}]}}}",
        "{'command':'SET','key':'k','value':{'a':[{'b':1,'b':2}],'c':1,'a':2}}",
        "{'command':'SET','key':'k','value':{'a':1,'b':2,'c':3,'d':4,'e':5,'f':6,'g':7,'h':8,'i':9,'j':10}}",
        "{'command':'SET','key':'k','value':{'a':1,'b':2,'c':3,'d':4,'e':5,'f':6,'g':7,'h':8,'i':9,'a':10}}",
        "{'command':'SET','key':'k','value':{'j':0,'b':2,'c':3,'d':4,'e':5,'f':6,'g':7,'h':8,'i':9,'j':10,'b':{}}}",
        "{'command':'SET','key':'k','value':'\\ud83d\\ude00 \\ud83d \\ude00 \\ude00\\ud83d \\uD83D\\uDE00'}",
        "{'command':'SET','key':'k','value':'\\ud83d\\ud83d\\ude00\\ude00'}",
        "{'command':'SET','key':'k','value':'\uD83D\uDE00\\ude00'}",
        "{'command':'SET','key':'k','value':'\\ud83d\uD83D\uDE00'}",
        "{'command':'SET','key':'k','value':'\\ud83d\\n\\ude00'}",
        "{'command':'SET','key':'k','value':'\\u0000\\u001f\\u001F\\u007f\\u0080\\u0022\\u005c\\u002f\\/\\'\\b\\f\\n\\r\\t'}",
        "{'command':'SET','key':'k','value':'\u007f\u0080\u07ff\u0800\uffff\u2028\u2029<>&='}",
        "{'command':'SET','key':'k','value':'\\u00e9\\u20AC\\uFFFF\\uFEFF\\u0800\\u07FF'}",
        "{'command':'SET','key':'k','value':[1 , 2 ,[ ] ,{ } ,\t'a'\n]}",
        "{'command':'SET','key':'k','value':[-0,0,-0.0,0.0,1e5,1E+5,1e-5,-1.5E-0,123.456e789]}",
        "{'command':'SET','key':'k','value':[9223372036854775807,-9223372036854775808]}",
        "{'command':'SET','key':'k','value':[9223372036854775808,-9223372036854775809,18446744073709551616]}",
        "{'command':'SET','key':'k','value':[true,false,null,[true],{'n':null}]}",
        "{'command':'SET','key':'k','value':'" + "v\\n".repeat(700) + "'}",
        "{'command':'SET','key':'k','value':{'" + "n".repeat(3000) + "':'" + "\\u00e9".repeat(900) + "'}}",
        "{'command':'SET','key':'k','value':" + "9".repeat(1000) + "}",
        " \n{ 'command' : 'GET' , 'key' : 'k' } \r\n ",
        "{'command':'GET','key':'\\u0000'}",
        "{'command':'GET','key':'\\ud83d\\ude00'}",
        "{'command':'GET','key':'\\ud83d'}",
        "{'command':'GET','key':'\\ude00\\ud83d'}",
        "{'command':'GET','key':'\\ud83d\uD83D\uDE00'}",
        "{'command':'GET','key':'\uD83D\uDE00\\ude00'}",
        "{'command':'GET','key':'  '}",
        "{'command':'GET','key':'\\/\\'\\\\\\b'}",
        "{'command':'GET','key':'" + "\\u00e9".repeat(125) + "'}",
        "{'command':'GET','key':'" + "\\u00e9".repeat(125) + "x'}",
        "{'command':'GET','key':'" + "\\ud83d\\ude00".repeat(63) + "'}",
        "{'command':'GET','key':'" + "\uD83D\uDE00".repeat(62) + "ab'}",
        "{'command':'GET','key':'" + "x".repeat(300) + "\\ud800'}",
        "{'command':'DEL','key':'" + "x".repeat(251) + "'}",
        "{}", "{'key':'k'}", "[]", "'GET'", "{'command':{}}", "{'command':'SET','key':{'k':1}}",
    };

    @Test
    void handwrittenRequests() throws IOException {
        List<byte[]> bodies = new ArrayList<>();
        for (String body : HANDWRITTEN) {
            bodies.add(utf8(body.replace('\'', '"')));
        }
        assertDecodedAsGsonDid(bodies);
    }

    @Test
    void randomRequests() throws IOException {
        Random random = new Random(SEED);
        List<byte[]> bodies = new ArrayList<>();
        for (int n = 0; n < RANDOM_REQUESTS; n++) {
            bodies.add(utf8(new Generator(random).request()));
        }
        assertDecodedAsGsonDid(bodies);
    }

    @Test
    void randomlyBrokenRequests() throws IOException {
        Random random = new Random(SEED + 1);
        byte[] noise = utf8("\"\\,:{}[] \nu0e-.1tn\u00e9");
        List<byte[]> bodies = new ArrayList<>();
        for (int n = 0; n < MUTATED_REQUESTS; n++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(utf8(new Generator(random).request()));
            byte[] bytes = body.toByteArray();
            for (int edits = 1 + random.nextInt(3); edits > 0 && bytes.length > 0; edits--) {
                int at = random.nextInt(bytes.length);
                byte b = noise[random.nextInt(noise.length)];
                bytes = switch (random.nextInt(3)) {
                    case 0 -> concat(bytes, at, new byte[0], at + 1); // delete
                    case 1 -> concat(bytes, at, new byte[] {b}, at); // insert
                    default -> concat(bytes, at, new byte[] {b}, at + 1); // replace
                };
            }
            bodies.add(bytes);
        }
        assertDecodedAsGsonDid(bodies);
    }

    /** The one deliberate difference: Gson refused numbers it could not fit in its buffer. */
    @Test
    void aNumberLongerThanGsonsBufferIsKept() throws IOException {
        String number = "1" + "0".repeat(1100);
        byte[] body = utf8("{\"command\":\"SET\",\"key\":\"k\",\"value\":" + number + "}");
        ProtocolException e = assertThrows(ProtocolException.MalformedRequest.class,
                () -> GsonRequestReference.decode(body));
        assertEquals("request is not valid JSON", e.getMessage());
        SpeicherFrameReader reader = new SpeicherFrameReader(new ByteArrayInputStream(Frames.frame(body)), 1 << 20);
        assertEquals(new SpeicherCommand.Set(utf8("k"), utf8(number)), reader.read());
    }

    /** Reads every body through one reader, so that nothing may leak from one frame into the next. */
    private static void assertDecodedAsGsonDid(List<byte[]> bodies) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        bodies.forEach(body -> wire.writeBytes(Frames.frame(body)));
        SpeicherFrameReader reader = new SpeicherFrameReader(new ByteArrayInputStream(wire.toByteArray()), 1 << 20);
        for (byte[] body : bodies) {
            String expected;
            try {
                expected = describe(GsonRequestReference.decode(body));
            } catch (ProtocolException.MalformedRequest e) {
                expected = "400 " + e.getMessage();
            }
            String actual;
            try {
                actual = describe(reader.read());
            } catch (ProtocolException.MalformedRequest e) {
                actual = "400 " + e.getMessage();
            }
            assertEquals(expected, actual, () -> "body " + utf8(body));
        }
    }

    private static String describe(SpeicherCommand command) {
        HexFormat hex = HexFormat.of();
        return switch (command) {
            case SpeicherCommand.Set set -> "SET " + hex.formatHex(set.key()) + " " + utf8(set.valueJson());
            case SpeicherCommand.Get get -> "GET " + hex.formatHex(get.key());
            case SpeicherCommand.Delete delete -> "DEL " + hex.formatHex(delete.key());
            case SpeicherCommand.Reset reset -> "RST";
        };
    }

    private static byte[] concat(byte[] b, int headEnd, byte[] middle, int tailStart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, headEnd);
        out.writeBytes(middle);
        out.write(b, Math.min(tailStart, b.length), Math.max(0, b.length - tailStart));
        return out.toByteArray();
    }

    /** Random requests, mostly well-formed, with the members and strings that are easy to get wrong. */
    private static final class Generator {

        private static final String[] WHITESPACE = {"", "", "", " ", "\n", "\t ", "\r\n  "};
        private static final String[] COMMANDS = {
            "SET", "SET", "GET", "DEL", "RST", "\\u0053ET", "G\\u0045T", "get", "", "PUT", "\\ud800", "\uD83D\uDE00",
        };
        private static final String[] NAMES = {
            "a", "b", "\\u0061", "key", "value", "command", "", "\u00e9", "\\u00e9", "\\u00E9", "\\ud800", "\\uD800",
            "\\ud83d\\ude00", "\uD83D\uDE00", "a\\/", "a/", "\\\"",
        };
        private static final String[] PIECES = {
            "a", "Z", "0", " ", "/", "'", "<", "\u007f", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
            "\u00e9", "\u20ac", "\u4e2d", "\u2028", "\uD83D\uDE00", "\uDBFF\uDFFF",
            "\\ud83d", "\\uDE00", "\\ud83d\\ude00",
        };
        private static final String[] NUMBERS = {
            "0", "-0", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1E400", "-0.0",
        };

        private final Random random;
        private final StringBuilder out = new StringBuilder();

        Generator(Random random) {
            this.random = random;
        }

        String request() {
            if (random.nextInt(50) == 0) {
                value(0);
                return out.toString();
            }
            List<Runnable> members = new ArrayList<>();
            addSome(members, () -> member("command", this::command), 0.95);
            addSome(members, () -> member("key", this::key), 0.9);
            addSome(members, () -> member("value", () -> value(1)), 0.85);
            addSome(members, () -> member(pick(NAMES), () -> value(1)), 0.2);
            Collections.shuffle(members, random);
            out.append(space()).append('{').append(space());
            for (int m = 0; m < members.size(); m++) {
                if (m > 0) {
                    out.append(',').append(space());
                }
                members.get(m).run();
                out.append(space());
            }
            out.append('}').append(space());
            return out.toString();
        }

        /** Adds a member with that chance, sometimes twice. */
        private void addSome(List<Runnable> members, Runnable member, double chance) {
            if (random.nextDouble() < chance) {
                members.add(member);
                if (random.nextInt(8) == 0) {
                    members.add(member);
                }
            }
        }

        private void member(String name, Runnable value) {
            out.append('"').append(random.nextInt(10) == 0 ? escapeFirst(name) : name).append('"')
                    .append(space()).append(':').append(space());
            value.run();
        }

        private static String escapeFirst(String name) {
            return name.isEmpty() || name.charAt(0) == '\\' ? name
                    : String.format("\\u%04x", (int) name.charAt(0)) + name.substring(1);
        }

        private void command() {
            if (random.nextInt(20) == 0) {
                value(1);
            } else {
                out.append('"').append(random.nextBoolean() ? "SET" : pick(COMMANDS)).append('"');
            }
        }

        private void key() {
            switch (random.nextInt(20)) {
                case 0 -> value(1);
                case 1 -> out.append("\"\"");
                case 2 -> out.append('"').append("\u00e9".repeat(124 + random.nextInt(3))).append('"');
                case 3 -> out.append('"').append("\\u00e9".repeat(124 + random.nextInt(3))).append('"');
                case 4, 5, 6 -> string();
                default -> out.append("\"k").append(random.nextInt(1000)).append('"');
            }
        }

        private void value(int depth) {
            int kind = random.nextInt(depth < MAX_NESTING ? 6 : 4);
            switch (kind) {
                case 0 -> string();
                case 1 -> number();
                case 2 -> out.append(random.nextBoolean() ? "true" : random.nextBoolean() ? "false" : "null");
                case 3 -> string();
                case 4 -> {
                    out.append('[').append(space());
                    int n = random.nextInt(5);
                    for (int k = 0; k < n; k++) {
                        if (k > 0) {
                            out.append(space()).append(',').append(space());
                        }
                        value(depth + 1);
                    }
                    out.append(space()).append(']');
                }
                default -> {
                    out.append('{').append(space());
                    int n = random.nextInt(random.nextInt(10) == 0 ? 14 : 5);
                    for (int k = 0; k < n; k++) {
                        if (k > 0) {
                            out.append(space()).append(',').append(space());
                        }
                        out.append('"').append(pick(NAMES)).append('"').append(space()).append(':').append(space());
                        value(depth + 1);
                    }
                    out.append(space()).append('}');
                }
            }
        }

        private void string() {
            out.append('"');
            int n = random.nextInt(10);
            for (int k = 0; k < n; k++) {
                if (random.nextInt(4) == 0) {
                    String hex = String.format("%04x", random.nextInt(8) == 0 ? random.nextInt(0x80)
                            : random.nextInt(3) == 0 ? 0xd800 + random.nextInt(0x800) : random.nextInt(0x10000));
                    out.append("\\u").append(random.nextBoolean() ? hex : hex.toUpperCase());
                } else {
                    out.append(pick(PIECES));
                }
            }
            out.append('"');
        }

        private void number() {
            if (random.nextInt(5) == 0) {
                out.append(pick(NUMBERS));
                return;
            }
            if (random.nextBoolean()) {
                out.append('-');
            }
            if (random.nextInt(4) == 0) {
                out.append('0');
            } else {
                out.append(1 + random.nextInt(9)).append(digits(random.nextInt(25)));
            }
            if (random.nextInt(3) == 0) {
                out.append('.').append(digits(1 + random.nextInt(5)));
            }
            if (random.nextInt(3) == 0) {
                out.append(random.nextBoolean() ? 'e' : 'E').append(pick(new String[] {"", "+", "-"}))
                        .append(digits(1 + random.nextInt(3)));
            }
        }

        private String digits(int n) {
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < n; k++) {
                s.append(random.nextInt(10));
            }
            return s.toString();
        }

        private String space() {
            return pick(WHITESPACE);
        }

        private String pick(String[] choices) {
            return choices[random.nextInt(choices.length)];
        }
    }
}
