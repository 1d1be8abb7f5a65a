package dev.switchboard.adversarial;

import java.time.Duration;
import java.util.Locale;

/**
 * How long a suite runs and from which seed: the short run of the build (a fixed seed and a fixed
 * number of cases), or a long run by command, {@code -Dadversarial.duration=10m
 * -Dadversarial.seed=N}. The seed is printed, and the same seed replays the same cases.
 */
record RunPlan(long seed, int minCases, Duration duration) {
    /** The plan for a suite whose short run is {@code cases} cases from {@code defaultSeed}. */
    static RunPlan of(String suite, long defaultSeed, int cases) {
        String seed = System.getProperty("adversarial.seed", "").trim();
        RunPlan plan = new RunPlan(
                seed.isEmpty() ? defaultSeed : Long.parseLong(seed),
                cases,
                parse(System.getProperty("adversarial.duration", "").trim()));
        System.out.printf(
                "%s: seed %d (replay: -Dadversarial.seed=%d), %s%n",
                suite,
                plan.seed,
                plan.seed,
                plan.duration.isZero() ? cases + " cases" : "at least " + cases + " cases and " + plan.duration);
        return plan;
    }

    /** True while the run should go on after {@code done} cases, begun at {@code startNanos}. */
    boolean more(int done, long startNanos) {
        return done < minCases || System.nanoTime() - startNanos < duration.toNanos();
    }

    /** {@code 90s}, {@code 10m}, {@code 2h}; empty or {@code 0} for none. */
    static Duration parse(String value) {
        if (value.isEmpty() || value.equals("0")) {
            return Duration.ZERO;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        long amount = Long.parseLong(lower.substring(0, lower.length() - 1));
        return switch (lower.charAt(lower.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default ->
                throw new IllegalArgumentException(
                        "adversarial.duration: '" + value + "' (expected: a number followed by s, m or h)");
        };
    }
}
