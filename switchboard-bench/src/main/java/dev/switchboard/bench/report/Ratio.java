package dev.switchboard.bench.report;

/**
 * A figure compared with its target (from the performance issue).
 *
 * @param name what is compared, e.g. {@code echo-inprocess / raw Netty echo (64 B)}
 * @param value the measured figure
 * @param unit its unit ({@code %}, {@code ms}, {@code B/conn}, {@code /s})
 * @param target the target value
 * @param atLeast true when the value must be at least the target, false when at most
 */
public record Ratio(String name, double value, String unit, double target, boolean atLeast) {
    /** True when the measured value meets its target. */
    public boolean met() {
        return atLeast ? value >= target : value <= target;
    }
}
