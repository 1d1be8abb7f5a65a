package dev.switchboard.bench.report;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles in milliseconds, from a histogram of nanoseconds.
 *
 * @param count values recorded
 */
public record Latency(long count, double mean, double p50, double p90, double p99, double p999, double max) {
    private static final double NANOS_PER_MILLI = 1_000_000.0;

    /** The percentiles of {@code histogram} (values in nanoseconds). */
    public static Latency of(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0, 0, 0, 0);
        }
        return new Latency(
                histogram.getTotalCount(),
                round(histogram.getMean() / NANOS_PER_MILLI),
                ms(histogram, 50),
                ms(histogram, 90),
                ms(histogram, 99),
                ms(histogram, 99.9),
                round(histogram.getMaxValue() / NANOS_PER_MILLI));
    }

    private static double ms(Histogram histogram, double percentile) {
        return round(histogram.getValueAtPercentile(percentile) / NANOS_PER_MILLI);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
