package dev.speicherd.bench;

/**
 * A fixed-size log-linear histogram of non-negative longs (nanoseconds, here): values below 32
 * are counted exactly, and every power-of-two range above is split into 32 equal buckets, so a
 * bucket is at most 1/32 (about 3 %) of the values it holds wide. 1,920 buckets cover all of
 * {@code long}; recording is a few shifts and an increment, and allocates nothing.
 *
 * <p>This is the part of HdrHistogram a load generator needs (percentiles to a known relative
 * precision, mergeable), in 100 lines and without a dependency: percentiles are reported as the
 * upper bound of their bucket, as HdrHistogram's highest-equivalent value, so they overstate by
 * at most 3 %, never understate.
 *
 * <p>Not thread-safe: one per thread, {@link #add merged} at the end.
 */
public final class LatencyHistogram {

    /** log2 of the buckets per power of two. */
    static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    /** Exact buckets 0..31, then 32 per exponent 5..62 (the largest {@code long} has exponent 62). */
    static final int BUCKETS = (Long.SIZE - SUB_BITS) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long min = Long.MAX_VALUE;
    private long max;
    private double sum;

    /**
     * Counts one value.
     *
     * @param value the value; negative values count as 0 (a clock that stepped back)
     */
    public void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        total++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    /** Adds another histogram's counts to this one's. */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /** How many values were counted. */
    public long count() {
        return total;
    }

    /** The smallest value counted, exactly; 0 when empty. */
    public long min() {
        return total == 0 ? 0 : min;
    }

    /** The largest value counted, exactly; 0 when empty. */
    public long max() {
        return max;
    }

    /** The mean, exactly (up to double rounding); 0 when empty. */
    public double mean() {
        return total == 0 ? 0 : sum / total;
    }

    /**
     * The value at a percentile: the upper bound of the bucket holding the value that {@code
     * percentile} % of all values are at or below, capped at the exact maximum.
     *
     * @param percentile 0 to 100
     * @return the value, or 0 when empty
     */
    public long percentile(double percentile) {
        if (percentile < 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile " + percentile);
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), max);
            }
        }
        return max;
    }

    /** The bucket of a non-negative value. */
    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int shift = exponent - SUB_BITS;
        return ((shift + 1) << SUB_BITS) + (int) ((v >>> shift) - SUB);
    }

    /** The smallest value of a bucket. */
    static long lowerBound(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = (index >>> SUB_BITS) - 1;
        long sub = (index & (SUB - 1)) + SUB;
        return sub << shift;
    }

    /** The largest value of a bucket. */
    static long upperBound(int index) {
        return index == BUCKETS - 1 ? Long.MAX_VALUE : lowerBound(index + 1) - 1;
    }
}
