package dev.switchboard.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chaos.ChaosRun.Result;
import dev.switchboard.chaos.FaultSchedule.Kind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The short run, by command until it is green (see this module's pom): three schedules from fixed
 * seeds, one after the other on one cluster, 90 s of faults in all. Each schedule holds every kind
 * of fault; together they inject at least 50 faults under at least 10,000 operations, and the
 * checker must find no anomaly.
 */
class ChaosSuiteTest {
    static final List<Long> SEEDS = List.of(11L, 23L, 47L);
    static final Duration EACH = Duration.ofSeconds(30);

    @Test
    void threeNodesUnderRandomFaultsKeepEveryPromise() {
        List<Result> results = ChaosRun.runOnOneCluster(
                SEEDS.stream().map(seed -> FaultSchedule.generate(seed, EACH)).toList());
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        results.forEach(r -> kinds.addAll(r.faultsByKind().keySet()));
        String report = String.join("\n", results.stream().map(Result::summary).toList());

        assertThat(kinds).as(report).containsExactlyInAnyOrder(Kind.values());
        assertThat(results.stream().mapToInt(Result::faults).sum()).as(report).isGreaterThanOrEqualTo(50);
        assertThat(results.stream().mapToLong(Result::operations).sum())
                .as(report)
                .isGreaterThanOrEqualTo(10_000);
        assertThat(results.stream().flatMap(r -> r.anomalies().stream()).toList())
                .as(report)
                .isEmpty();
    }
}
