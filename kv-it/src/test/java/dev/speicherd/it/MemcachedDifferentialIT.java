package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same conversation with real memcached 1.6 and with speicherd, side by side, answer for
 * answer. Each conversation ends in {@code mn}, whose {@code MN} marks the end of the answers.
 * Conversations avoid what legitimately differs (CAS values, versions, stats).
 */
class MemcachedDifferentialIT {

    @RegisterExtension
    static final RealMemcached memcached = new RealMemcached("-I", "1m");
    @RegisterExtension
    static final SharedServer speicherd = new SharedServer("--max-item-size", "1m");

    private static List<String> converse(int port, String script) throws IOException {
        List<String> answers = new ArrayList<>();
        try (MemcachedWire w = new MemcachedWire(port)) {
            w.send(script.replace("\n", "\r\n") + "mn\r\n");
            for (String line; (line = w.line()) != null && !line.equals("MN"); ) {
                answers.add(line);
            }
        }
        return answers;
    }

    static List<String> conversations() {
        return List.of(
        // classic storage commands and their conditions
        "set d1 5 0 3\nabc\nget d1\nadd d1 0 0 1\nx\nreplace d1 7 0 2\nxy\nget d1\nappend d1 9 0 1\nz\n"
            + "prepend d1 9 0 1\na\nget d1\nreplace d1-none 0 0 1\nx\nappend d1-none 0 0 1\nx\ndelete d1\ndelete d1\n",
        // counters: wrap, floor, non-numeric, bad delta, missing
        "set d2 0 0 20\n18446744073709551615\nincr d2 1\ndecr d2 1\nincr d2 10\ndecr d2 3\nincr d2-none 1\n"
            + "set d2t 0 0 2\nhi\nincr d2t 1\nincr d2 18446744073709551616\nincr d2 -1\nincr d2 abc\n",
        // expiry: negative, touch, gat
        "set d3 0 -1 1\nx\nget d3\nset d3 0 100 1\ny\ntouch d3 -1\nget d3\ntouch d3 10\nset d3b 0 0 1\nz\n"
            + "gat 100 d3b d3-none\ntouch d3-none 10\n",
        // noreply everywhere it is taken
        "set d4 0 0 1 noreply\na\nadd d4 0 0 1 noreply\nb\nappend d4 0 0 1 noreply\nc\nincr d4 1 noreply\n"
            + "delete d4-none noreply\ntouch d4 0 noreply\nget d4\nflush_all noreply\nget d4\n",
        // malformed lines and what memcached makes of them
        "bogus\nGET d5\n\nget\nset d5 x 0 1\nset d5 0 0\ndelete\ndelete d5 7\ntouch d5\n"
            + "verbosity\nverbosity 1 2\nverbosity a b c\nset d5 0 0 1\nxyz\n",
        // an overlong key in a get (first: memcached drops answers queued before this error)
        "get " + "k".repeat(251) + "\nget d5\n",
        // keys at the limit and one past
        "set " + "k".repeat(250) + " 0 0 1\nx\nget " + "k".repeat(250) + "\nset " + "k".repeat(251) + " 0 0 1\nx\n",
        // keys with control bytes, as memaslap sends them
        "set \u0010\u0010\u0010key 0 0 1\nx\nget \u0010\u0010\u0010key\nget tab\tkey\n",
        // flags: 32 bits, unsigned
        "set d6 4294967295 0 1\nx\nget d6\n",
        // a negative length (memcached swallows the rest of the line's buffer after it)
        "set d5 0 0 -1\n",
        // meta get and set with the common flags
        "ms d7 2 T90 F5\nhi\nmg d7 v f t k s Oabc\nmg d7 k q\nmg d7-none v\nmg d7-none v q\nmg d7 v v\nmg d7 zz\n"
            + "ms d7 2 MZ\nhi\nmg\nmd\nma\nms d7\nms\nme\n",
        // meta set modes and quiet mode
        "ms d8 1 ME\na\nms d8 1 ME\nb\nms d8 1 MA\nc\nms d8 1 MP\nd\nmg d8 v\nms d8-none 1 MR\nx\n"
            + "ms d8-none 1 MA\nx\nms d8 1 q\nz\nmg d8 v\n",
        // meta delete and arithmetic
        "md d9-none\nmd d9-none q\nms d9 1\n5\nmd d9 q\nmg d9 v\nma d9c\nma d9c N0 J10 v\nma d9c v D5\n"
            + "ma d9c MD D100 v t\nma d9c q\nma d9c MX\n",
        // base64 keys
        "ms Zm9vYmFy 3 b\nabc\nmg foobar v\nmg Zm9vYmFy b k v\n",
        // an item over the limit: the block is skipped, and a set (not an append) drops the old value
        "set d11 0 0 1\nx\nset d11 0 0 1048577\n" + "y".repeat(1048577) + "\nget d11\nset d12 0 0 1\nx\n"
            + "append d12 0 0 1048577\n" + "y".repeat(1048577) + "\nget d12\nms d12 1048577 MA\n"
            + "y".repeat(1048577) + "\nmg d12 v\n",
        // a data block longer than declared
        "set d10 0 0 1\nxyz\nget d10\n");
    }

    @ParameterizedTest
    @MethodSource("conversations")
    void speicherdAnswersAsMemcachedDoes(String script) throws IOException {
        assertEquals(converse(memcached.port(), script), converse(speicherd.memcachedPort(), script), script);
    }
}
