package dev.switchboard.bench.scenario;

import dev.switchboard.bench.report.ReportWriter;
import dev.switchboard.bench.report.ScenarioReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * One benchmark scenario: measures, then writes {@code <out>/<name>.json} and {@code .md} and
 * prints the markdown. Exits 1 when a run saw mismatched answers (the figures are not to be
 * trusted then), else 0; missing a target is a finding, not a failure.
 */
abstract class Scenario implements Callable<Integer> {
    @Mixin
    CommonOptions options = new CommonOptions();

    /** The scenario's name, as on the command line. */
    abstract String name();

    /** Runs the scenario and fills {@code report}. */
    abstract void run(ScenarioReport report) throws Exception;

    @Override
    public final Integer call() throws Exception {
        ScenarioReport report = options.report(name());
        String loadBefore = loadAverage();
        run(report);
        report.notes()
                .add("Load average (1, 5, 15 min) before: " + loadBefore + "; after: " + loadAverage()
                        + ". Anything else running on the machine competes for the same cores.");
        System.out.println(ReportWriter.write(report, options.out));
        boolean mismatched = report.runs().stream().anyMatch(r -> r.mismatched() > 0);
        return mismatched ? 1 : 0;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    Servers servers() {
        return new Servers(options, name());
    }

    static void log(String message) {
        System.err.println("bench: " + message);
    }
}
