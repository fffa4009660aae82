package dev.speicherd.codec.speicher;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a JSON value inside text that {@link JsonValidator} accepted as compact JSON text, in
 * one pass over its bytes: no whitespace, strings as {@link JsonBuffer#appendStringLiteral}
 * writes them, numbers and literals as sent, and an object's repeated member names merged the
 * way a JSON tree keeps them, in the first one's place with the last one's value.
 *
 * <p>The recursion is as deep as the value's nesting, which the validator bounds ({@link
 * JsonValidator#MAX_DEPTH}). Nothing is allocated per value except for an object with more than
 * {@link #PAIRWISE_MEMBERS} members (a set of its names) or with a repeated name (its merge).
 *
 * <p>Not thread-safe: one per connection.
 */
final class JsonCompactor {

    /** Objects with up to this many members are checked for a repeated name pair by pair. */
    private static final int PAIRWISE_MEMBERS = 8;
    /** What {@link #members} holds per member: where its name starts, where it ends, where its value ends. */
    private static final int INTS_PER_MEMBER = 3;
    private static final int INITIAL_MEMBER_INTS = 16 * INTS_PER_MEMBER;
    /** A member array grown past this by one large object is dropped by {@link #clear}. */
    private static final int RETAINED_MEMBER_INTS = 4096 * INTS_PER_MEMBER;

    private final JsonBuffer out;
    /** The members of the objects being written, innermost last, as offsets into {@link #out}. */
    private int[] members = new int[INITIAL_MEMBER_INTS];
    private int memberInts;

    /**
     * Creates a compactor.
     *
     * @param out where the compact text goes
     */
    JsonCompactor(JsonBuffer out) {
        this.out = out;
    }

    /** Drops a member array that one large object grew past what is kept between frames. */
    void clear() {
        memberInts = 0;
        if (members.length > RETAINED_MEMBER_INTS) {
            members = new int[INITIAL_MEMBER_INTS];
        }
    }

    /**
     * Appends the compact text of one value.
     *
     * @param json validated JSON text
     * @param i where the value starts; it lies inside an array or object, so a delimiter follows it
     * @return the index just after the value
     */
    int appendValue(byte[] json, int i) {
        return switch (json[i]) {
            case '{' -> appendObject(json, i);
            case '[' -> appendArray(json, i);
            case '"' -> out.appendStringLiteral(json, i + 1, true);
            default -> appendScalar(json, i);
        };
    }

    /**
     * Steps over one value without appending anything.
     *
     * @param json validated JSON text
     * @param i where the value starts, as for {@link #appendValue}
     * @return the index just after the value
     */
    int skipValue(byte[] json, int i) {
        int mark = out.size();
        int next = appendValue(json, i);
        out.truncate(mark);
        return next;
    }

    private int appendObject(byte[] json, int i) {
        int start = out.size();
        int first = memberInts;
        out.append((byte) '{');
        i = skipWhitespace(json, i + 1);
        while (json[i] != '}') {
            int nameStart = out.size();
            i = skipWhitespace(json, out.appendStringLiteral(json, i + 1, true)); // at the ':'
            int nameEnd = out.size();
            out.append((byte) ':');
            i = skipWhitespace(json, appendValue(json, skipWhitespace(json, i + 1)));
            pushMember(nameStart, nameEnd, out.size());
            if (json[i] == ',') {
                out.append((byte) ',');
                i = skipWhitespace(json, i + 1);
            }
        }
        out.append((byte) '}');
        if (hasRepeatedName(first)) {
            mergeRepeatedNames(start, first);
        }
        memberInts = first;
        return i + 1;
    }

    private int appendArray(byte[] json, int i) {
        out.append((byte) '[');
        i = skipWhitespace(json, i + 1);
        while (json[i] != ']') {
            i = skipWhitespace(json, appendValue(json, i));
            if (json[i] == ',') {
                out.append((byte) ',');
                i = skipWhitespace(json, i + 1);
            }
        }
        out.append((byte) ']');
        return i + 1;
    }

    /** A number, {@code true}, {@code false} or {@code null}: copied up to the next delimiter. */
    private int appendScalar(byte[] json, int i) {
        int start = i;
        while (!isDelimiter(json[i])) {
            i++;
        }
        out.append(json, start, i - start);
        return i;
    }

    private static boolean isDelimiter(byte b) {
        return switch (b) {
            case ',', ']', '}', ' ', '\t', '\n', '\r' -> true;
            default -> false;
        };
    }

    private void pushMember(int nameStart, int nameEnd, int valueEnd) {
        if (memberInts + INTS_PER_MEMBER > members.length) {
            members = Arrays.copyOf(members, 2 * members.length);
        }
        members[memberInts++] = nameStart;
        members[memberInts++] = nameEnd;
        members[memberInts++] = valueEnd;
    }

    /** Whether two members from index {@code first} of {@link #members} on have equal names. */
    private boolean hasRepeatedName(int first) {
        int count = (memberInts - first) / INTS_PER_MEMBER;
        byte[] text = out.array();
        if (count <= PAIRWISE_MEMBERS) {
            for (int a = first; a < memberInts; a += INTS_PER_MEMBER) {
                for (int b = a + INTS_PER_MEMBER; b < memberInts; b += INTS_PER_MEMBER) {
                    if (Arrays.equals(text, members[a], members[a + 1], text, members[b], members[b + 1])) {
                        return true;
                    }
                }
            }
            return false;
        }
        Set<ByteBuffer> names = new HashSet<>(2 * count);
        for (int m = first; m < memberInts; m += INTS_PER_MEMBER) {
            if (!names.add(ByteBuffer.wrap(text, members[m], members[m + 1] - members[m]))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rewrites the object from {@code start} to the end of {@link #out} with one member per name.
     * Its names and values are compact already, so equal names have equal bytes.
     */
    private void mergeRepeatedNames(int start, int first) {
        byte[] object = Arrays.copyOfRange(out.array(), start, out.size());
        Map<ByteBuffer, Integer> lastByName = new LinkedHashMap<>();
        for (int m = first; m < memberInts; m += INTS_PER_MEMBER) {
            // A LinkedHashMap keeps a name where it was first put; put replaces only the value.
            lastByName.put(ByteBuffer.wrap(object, members[m] - start, members[m + 1] - members[m]), m);
        }
        out.truncate(start);
        out.append((byte) '{');
        boolean firstMember = true;
        for (int m : lastByName.values()) {
            if (!firstMember) {
                out.append((byte) ',');
            }
            firstMember = false;
            out.append(object, members[m] - start, members[m + 2] - members[m]); // "name":value
        }
        out.append((byte) '}');
    }

    private static int skipWhitespace(byte[] json, int i) {
        return JsonValidator.skipWhitespace(json, i, json.length);
    }
}
