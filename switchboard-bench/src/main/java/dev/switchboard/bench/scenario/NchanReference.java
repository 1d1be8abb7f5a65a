package dev.switchboard.bench.scenario;

import dev.switchboard.bench.load.FanoutRun;
import dev.switchboard.bench.load.LoadSpec;
import dev.switchboard.bench.load.Publisher;
import dev.switchboard.bench.report.Ratio;
import dev.switchboard.bench.report.RunResult;
import dev.switchboard.bench.report.ScenarioReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Fan-out against nginx with the nchan module: both servers run side by side for the whole
 * scenario, and for each payload size the two are measured in turn, nchan first, {@code
 * --alternations} times each, with the same members, payloads and publishes in flight. Each nchan
 * run publishes to a channel of its own. When nginx or the module is absent, one line says so and
 * only the gateway is measured.
 */
final class NchanReference {
    private final FanoutScenario scenario;
    private final ScenarioReport report;
    private int channels;

    NchanReference(FanoutScenario scenario, ScenarioReport report) {
        this.scenario = scenario;
        this.report = report;
    }

    void run() throws Exception {
        Servers servers = scenario.servers();
        Optional<String> missing = NchanServer.missing(scenario.nginx);
        if (missing.isPresent()) {
            String skipped = "The nchan reference is skipped: " + missing.get() + ".";
            Scenario.log(skipped);
            report.notes().add(skipped);
            try (ChildJvm gateway = scenario.gateway(servers)) {
                for (int payload : scenario.options.payloads) {
                    RunResult run = scenario.gatewayRun(gateway, spec(payload));
                    report.runs().add(run);
                    report.ratios().add(scenario.absoluteTarget(run.perSecond(), " (" + payload + " B)"));
                }
            }
            report.notes().add(FanoutScenario.LATENCY_NOTE);
            return;
        }
        try (NchanServer nchan = NchanServer.start(
                        scenario.nginx,
                        scenario.options.out.resolve("nchan"),
                        scenario.options.serverThreads,
                        scenario.members);
                ChildJvm gateway = scenario.gateway(servers)) {
            Scenario.log("warming up the load generator against nchan (not recorded)");
            nchanRun(nchan, spec(scenario.options.payloads.get(0)).warmupOnly());
            for (int payload : scenario.options.payloads) {
                List<RunResult> nchanRuns = new ArrayList<>();
                List<RunResult> gatewayRuns = new ArrayList<>();
                for (int i = 0; i < scenario.alternations; i++) {
                    nchanRuns.add(nchanRun(nchan, spec(payload)));
                    gatewayRuns.add(scenario.gatewayRun(gateway, spec(payload)));
                }
                for (int i = 0; i < nchanRuns.size(); i++) {
                    report.runs().add(nchanRuns.get(i));
                    report.runs().add(gatewayRuns.get(i));
                }
                compare(Summary.of(gatewayRuns), Summary.of(nchanRuns), payload);
            }
        }
        report.notes().add(FanoutScenario.LATENCY_NOTE);
        report.notes()
                .add("The reference is nginx with the nchan module (Debian's libnginx-mod-nchan), "
                        + scenario.options.serverThreads + " worker processes (as many as the gateway's event loops),"
                        + " publishing with POST /pub/<channel> and subscribing over WebSocket; its CPU and memory"
                        + " are the master's and the workers'. Both servers ran side by side; for each payload they"
                        + " were measured in turn, nchan first, " + scenario.alternations + " times each, after one"
                        + " unrecorded warm-up pass of the load generator against nchan. Server PSS is the"
                        + " proportional set size at the end of the window, summed over the server's processes, so"
                        + " nchan's shared memory counts once.");
    }

    private RunResult nchanRun(NchanServer nchan, LoadSpec spec) throws InterruptedException {
        String channel = "run" + ++channels;
        Scenario.log("nchan fan-out to " + scenario.members + " subscribers, " + spec.payloadBytes() + " B");
        return FanoutRun.run(
                "nchan, publish to a channel",
                "nchan",
                nchan.subscriber(channel),
                Publisher.nchan(nchan.publisher(channel)),
                spec.against(nchan.pid()),
                scenario.roundsInFlight);
    }

    private LoadSpec spec(int payload) {
        return scenario.options.spec(scenario.members, payload);
    }

    private void compare(Summary gateway, Summary nchan, int payload) {
        String of = " (" + scenario.members + " members, " + scenario.roundsInFlight + " in flight, " + payload + " B)";
        report.ratios().add(scenario.absoluteTarget(gateway.perSecond, " (" + payload + " B)"));
        report.ratios()
                .add(new Ratio(
                        "fanout frames/s, gateway ÷ nchan" + of, gateway.perSecond / nchan.perSecond, "×", 1.0, true));
        report.ratios()
                .add(new Ratio(
                        "fanout server CPU µs per frame, gateway ÷ nchan" + of,
                        gateway.cpuPerFrame / nchan.cpuPerFrame,
                        "×",
                        1.0,
                        false));
        report.ratios().add(new Ratio("fanout p99 ms, gateway ÷ nchan" + of, gateway.p99 / nchan.p99, "×", 1.0, false));
        report.notes()
                .add(String.format(
                        Locale.ROOT,
                        "Fan-out%s over %d alternations: gateway %,.0f frames/s, %.2f µs CPU per frame, p99 %.1f ms,"
                                + " %.0f MiB PSS; nchan %,.0f frames/s, %.2f µs, p99 %.1f ms, %.0f MiB; %d and %d errors.",
                        of,
                        scenario.alternations,
                        gateway.perSecond,
                        gateway.cpuPerFrame,
                        gateway.p99,
                        gateway.memoryMiB,
                        nchan.perSecond,
                        nchan.cpuPerFrame,
                        nchan.p99,
                        nchan.memoryMiB,
                        gateway.errors,
                        nchan.errors));
    }

    /**
     * One system's runs at one payload: frames/s and CPU per frame over all their frames, the mean
     * of their p99s, and the largest memory.
     */
    private record Summary(double perSecond, double cpuPerFrame, double p99, double memoryMiB, long errors) {
        static Summary of(List<RunResult> runs) {
            double seconds = 0;
            double cpu = 0;
            double p99 = 0;
            long frames = 0;
            long memory = 0;
            long errors = 0;
            for (RunResult run : runs) {
                seconds += run.seconds();
                frames += run.operations();
                cpu += run.serverCpuMicrosPerOp() * run.operations();
                p99 += run.latency().p99();
                memory = Math.max(memory, run.serverMemoryBytes());
                errors += run.errors() + run.mismatched();
            }
            return new Summary(frames / seconds, cpu / frames, p99 / runs.size(), memory / 1048576.0, errors);
        }
    }
}
