package dev.switchboard.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one scenario measured, as written to JSON and markdown.
 *
 * @param scenario the scenario's name
 * @param startedAt when it started (ISO-8601)
 * @param machine where it ran
 * @param parameters the options it ran with
 * @param runs the load runs
 * @param memory memory measurements (idle)
 * @param ratios figures against their targets
 * @param notes anything a reader needs to judge the figures
 */
public record ScenarioReport(
        String scenario,
        String startedAt,
        Machine machine,
        Map<String, Object> parameters,
        List<RunResult> runs,
        List<MemoryResult> memory,
        List<Ratio> ratios,
        List<String> notes) {

    /** An empty report to fill. */
    public static ScenarioReport start(String scenario, Machine machine) {
        return new ScenarioReport(
                scenario,
                java.time.Instant.now().toString(),
                machine,
                new LinkedHashMap<>(),
                new ArrayList<>(),
                new ArrayList<>(),
                new ArrayList<>(),
                new ArrayList<>());
    }
}
