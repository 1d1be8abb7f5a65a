package dev.switchboard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.chaos.ChaosRun.Result;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A run of any length and seed, by command ({@code bench/run chaos --duration 30m --seed N}, which
 * passes {@code -Dchaos.seed} and {@code -Dchaos.duration}); skipped without them. With
 * {@code -Dchaos.faults=false} the same workload runs without faults, as a control.
 */
class ChaosLongRunTest {
    @Test
    void longRunKeepsEveryPromise() {
        String seed = System.getProperty("chaos.seed", "");
        String duration = System.getProperty("chaos.duration", "");
        assumeTrue(!seed.isBlank() && !duration.isBlank(), "set -Dchaos.seed and -Dchaos.duration for a long run");
        boolean faults = !"false".equals(System.getProperty("chaos.faults", ""));
        FaultSchedule schedule = faults
                ? FaultSchedule.generate(Long.parseLong(seed), parse(duration))
                : FaultSchedule.none(Long.parseLong(seed), parse(duration));
        Result result = ChaosRun.run(schedule);
        assertThat(result.anomalies()).as(result.summary()).isEmpty();
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}. */
    static Duration parse(String text) {
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("chaos.duration: " + text + " (expected e.g. 90s, 30m, 2h)");
        };
    }
}
