package dev.speicherd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void bucketsTileTheLongsWithoutGapsOrOverlaps() {
        assertEquals(0, LatencyHistogram.lowerBound(0));
        for (int i = 0; i + 1 < LatencyHistogram.BUCKETS; i++) {
            long lo = LatencyHistogram.lowerBound(i);
            long hi = LatencyHistogram.upperBound(i);
            assertTrue(lo <= hi, "bucket " + i);
            assertEquals(hi + 1, LatencyHistogram.lowerBound(i + 1), "after bucket " + i);
            assertEquals(i, LatencyHistogram.index(lo));
            assertEquals(i, LatencyHistogram.index(hi));
        }
        assertEquals(Long.MAX_VALUE, LatencyHistogram.upperBound(LatencyHistogram.BUCKETS - 1));
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.index(Long.MAX_VALUE));
    }

    @Test
    void aBucketIsAtMostAThirtySecondOfItsValues() {
        for (int i = 32; i < LatencyHistogram.BUCKETS; i++) {
            long lo = LatencyHistogram.lowerBound(i);
            long width = LatencyHistogram.upperBound(i) - lo + 1;
            assertTrue(width * 32 <= lo, "bucket " + i + " from " + lo + " is " + width + " wide");
        }
    }

    @Test
    void percentilesOfKnownValuesAreExactBelowThirtyTwoAndWithinThreePercentAbove() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 10; v++) {
            h.record(v);
        }
        assertEquals(5, h.percentile(50));
        assertEquals(10, h.percentile(99));
        assertEquals(1, h.percentile(0));
        assertEquals(1, h.min());
        assertEquals(10, h.max());
        assertEquals(5.5, h.mean(), 1e-9);

        SplittableRandom random = new SplittableRandom(7);
        long[] values = new long[100_000];
        LatencyHistogram big = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = 1_000 + (long) (random.nextDouble() * random.nextDouble() * 50_000_000);
            big.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {50, 90, 99, 99.9, 100}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            long reported = big.percentile(p);
            assertTrue(reported >= exact && reported <= exact + exact / 32 + 1,
                    "p" + p + ": exact " + exact + ", reported " + reported);
        }
        assertEquals(values[values.length - 1], big.percentile(100));
    }

    @Test
    void mergedHistogramsCountAsOne() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        LatencyHistogram both = new LatencyHistogram();
        for (long v = 0; v < 10_000; v += 3) {
            (v % 2 == 0 ? a : b).record(v * 1000);
            both.record(v * 1000);
        }
        a.add(b);
        assertEquals(both.count(), a.count());
        assertEquals(both.min(), a.min());
        assertEquals(both.max(), a.max());
        for (double p : new double[] {1, 50, 99, 99.9}) {
            assertEquals(both.percentile(p), a.percentile(p));
        }
    }

    @Test
    void anEmptyHistogramReportsZeros() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentile(99));
        assertEquals(0, h.min());
        assertEquals(0, h.max());
        assertEquals(0, h.mean());
    }
}
