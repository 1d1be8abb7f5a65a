package dev.switchboard.bench.scenario;

import dev.switchboard.bench.load.FanoutRun;
import dev.switchboard.bench.load.LoadSpec;
import dev.switchboard.bench.report.Ratio;
import dev.switchboard.bench.report.RunResult;
import dev.switchboard.bench.report.ScenarioReport;
import dev.switchboard.bench.server.BenchFunctions;
import java.net.URI;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One push to a group of 10,000: every member joins the group through its (in-process)
 * registration; pushes to the group go through the push API, a few rounds in flight. Target:
 * 300,000 frames/s delivered.
 */
@Command(name = "fanout", description = "Push to a group of members through the push API (frames/s).")
final class FanoutScenario extends Scenario {
    static final double TARGET_FRAMES_PER_SECOND = 300_000;

    @Option(names = "--members", description = "Group members (default: 10000).")
    int members = 10_000;

    @Option(names = "--rounds-in-flight", description = "Pushes whose frames are still arriving, at most (default: 2).")
    int roundsInFlight = 2;

    @Override
    String name() {
        return "fanout";
    }

    @Override
    void run(ScenarioReport report) throws Exception {
        report.parameters().put("members", members);
        report.parameters().put("roundsInFlight", roundsInFlight);
        try (ChildJvm gateway = servers()
                .gateway("gateway", 0, "--register", "java:" + BenchFunctions.class.getName() + "#registerToGroup")) {
            URI push = URI.create("http://127.0.0.1:" + gateway.port(1) + "/push");
            for (int payload : options.payloads) {
                LoadSpec spec = options.spec(members, payload);
                log("fan-out to " + members + " members, " + payload + " B");
                RunResult run = FanoutRun.run(
                        "gateway, push to a group",
                        Servers.ws(gateway, true),
                        push,
                        BenchFunctions.GROUP,
                        spec,
                        roundsInFlight);
                report.runs().add(run);
                report.ratios()
                        .add(new Ratio(
                                "fanout frames/s to " + members + " members (" + payload + " B)",
                                run.perSecond(),
                                "frames/s",
                                TARGET_FRAMES_PER_SECOND,
                                true));
                ConnectRateScenario.awaitClosed(gateway);
            }
        }
        report.notes()
                .add("Latency is from sending the push to each frame's arrival at a member; the load"
                        + " generator receiving the frames shares the machine's cores with the gateway.");
    }
}
