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
        Servers servers = servers();
        RunResult[] raw = new RunResult[options.payloads.size()];
        try (ChildJvm server = servers.rawEcho()) {
            URI push = URI.create("http://127.0.0.1:" + server.port(0) + "/push");
            // the load generator's JVM starts cold: one unrecorded pass, so the first measured run
            // (raw Netty's) is not the JIT's warm-up; this favours raw Netty, whose JVM gets it too
            log("warming up the load generator against raw Netty (not recorded)");
            broadcast(
                    "warm-up",
                    server,
                    push,
                    options.spec(members, options.payloads.get(0)).warmupOnly());
            for (int i = 0; i < raw.length; i++) {
                LoadSpec spec = options.spec(members, options.payloads.get(i));
                log("raw Netty broadcast to " + members + " connections, " + spec.payloadBytes() + " B");
                raw[i] = broadcast("raw Netty broadcast (ChannelGroup)", server, push, spec);
            }
        }
        RunResult[] gateway = new RunResult[raw.length];
        try (ChildJvm server = servers.gateway(
                "gateway", 0, "--register", "java:" + BenchFunctions.class.getName() + "#registerToGroup")) {
            URI push = URI.create("http://127.0.0.1:" + server.port(1) + "/push");
            for (int i = 0; i < raw.length; i++) {
                LoadSpec spec = options.spec(members, options.payloads.get(i));
                log("gateway fan-out to " + members + " members, " + spec.payloadBytes() + " B");
                gateway[i] = FanoutRun.run(
                        "gateway, push to a group",
                        "gateway",
                        Servers.ws(server, true),
                        push,
                        BenchFunctions.GROUP,
                        spec.against(server.pid()),
                        roundsInFlight);
                ConnectRateScenario.awaitClosed(server);
            }
        }
        for (int i = 0; i < raw.length; i++) {
            report.runs().add(raw[i]);
            report.runs().add(gateway[i]);
            String size = " (" + raw[i].payloadBytes() + " B)";
            report.ratios()
                    .add(new Ratio(
                            "fanout frames/s to " + members + " members" + size,
                            gateway[i].perSecond(),
                            "frames/s",
                            TARGET_FRAMES_PER_SECOND,
                            true));
            report.notes()
                    .add("Gateway fan-out" + size + ": "
                            + EchoInprocessScenario.percent(gateway[i].perSecond(), raw[i].perSecond())
                            + " % of the raw Netty broadcast's frames/s.");
        }
        report.notes()
                .add("Latency is from sending the push to each frame's arrival at a member; the load"
                        + " generator receiving the frames shares the machine's cores with the server.");
        report.notes()
                .add("The reference is the raw Netty echo server broadcasting each push with"
                        + " ChannelGroup.writeAndFlush to every connection (each server ran alone, raw first,"
                        + " after one unrecorded warm-up pass of the load generator against it).");
    }

    /** A run against the raw Netty server's broadcast. */
    private RunResult broadcast(String name, ChildJvm server, URI push, LoadSpec spec) throws InterruptedException {
        return FanoutRun.run(
                name,
                "raw-netty",
                Servers.ws(server, false),
                push,
                BenchFunctions.GROUP,
                spec.against(server.pid()),
                roundsInFlight);
    }
}
