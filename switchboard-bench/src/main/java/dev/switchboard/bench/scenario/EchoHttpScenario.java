package dev.switchboard.bench.scenario;

import dev.switchboard.bench.load.EchoRun;
import dev.switchboard.bench.load.HttpEchoRun;
import dev.switchboard.bench.load.LoadSpec;
import dev.switchboard.bench.report.Ratio;
import dev.switchboard.bench.report.RunResult;
import dev.switchboard.bench.report.ScenarioReport;
import java.net.URI;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway with an HTTP transfer function that answers with a {@code reply}, against two
 * references at the same concurrency: the raw Netty bridge ({@link
 * dev.switchboard.bench.server.RawHttpBridgeServer}), which is the least any gateway must do on
 * this path and so its limit, and the same stub function called directly over HTTP. Then the
 * gateway and the direct calls at half the gateway's maximum rate, for the latency the gateway
 * adds. Targets: 80 % of the bridge's messages/s at no more than 1.3 times its CPU per message;
 * added p99 at most 5 ms at half the maximum rate.
 */
@Command(name = "echo-http", description = "Gateway + HTTP transfer (reply) vs the stub function directly.")
final class EchoHttpScenario extends Scenario {
    static final double TARGET_PERCENT_OF_BRIDGE = 80;
    static final double TARGET_CPU_RATIO = 1.3;
    static final double TARGET_ADDED_P99_MS = 5;

    @Option(names = "--connections", description = "Client connections = HTTP concurrency (default: 200).")
    int connections = 200;

    @Override
    String name() {
        return "echo-http";
    }

    /**
     * One closed-loop pass over each path, not recorded. Every JVM here starts cold, and the
     * first measured run used to be the direct one: on 2 shared cores the JIT was still compiling
     * the load generator's HTTP client and the stub (three JVMs compiling at once) well past
     * {@code --warmup}, so that run measured the warm-up, not the stub.
     */
    private void warmUp(URI direct, URI ws) throws InterruptedException {
        LoadSpec warm = options.spec(connections, options.payloads.get(0)).warmupOnly();
        log("warming up both paths (not recorded)");
        HttpEchoRun.run("warm-up", "stub-direct", direct, warm);
        EchoRun.run("warm-up", "gateway", ws, warm);
    }

    @Override
    void run(ScenarioReport report) throws Exception {
        report.parameters().put("connections", connections);
        Servers servers = servers();
        try (ChildJvm stub = servers.stub();
                ChildJvm bridge = servers.rawBridge(Servers.stubUrl(stub, "/echo"));
                ChildJvm gateway = servers.gateway("gateway", 0, "--transfer", Servers.stubUrl(stub, "/transfer"))) {
            URI direct = URI.create(Servers.stubUrl(stub, "/transfer"));
            URI ws = Servers.ws(gateway, true);
            URI bridgeWs = Servers.ws(bridge, false);
            warmUp(direct, ws);
            EchoRun.run(
                    "warm-up",
                    "raw-bridge",
                    bridgeWs,
                    options.spec(connections, options.payloads.get(0)).warmupOnly());
            for (int payload : options.payloads) {
                LoadSpec spec = options.spec(connections, payload);
                log("stub direct HTTP, " + payload + " B");
                RunResult directMax = HttpEchoRun.run("stub function, direct HTTP", "stub-direct", direct, spec);
                log("raw Netty bridge to the stub, " + payload + " B");
                RunResult bridgeMax =
                        EchoRun.run("raw Netty WS-HTTP bridge", "raw-bridge", bridgeWs, spec.against(bridge.pid()));
                log("gateway HTTP transfer with reply, " + payload + " B");
                RunResult gatewayMax =
                        EchoRun.run("gateway, HTTP transfer + reply", "gateway", ws, spec.against(gateway.pid()));
                double half = Math.max(1, Math.round(gatewayMax.perSecond() / 2));
                log("both at " + half + " msgs/s");
                RunResult directHalf =
                        HttpEchoRun.run("stub function, direct HTTP", "stub-direct", direct, spec.withRate(half));
                RunResult gatewayHalf = EchoRun.run(
                        "gateway, HTTP transfer + reply",
                        "gateway",
                        ws,
                        spec.withRate(half).against(gateway.pid()));
                report.runs().add(directMax);
                report.runs().add(bridgeMax);
                report.runs().add(gatewayMax);
                report.runs().add(directHalf);
                report.runs().add(gatewayHalf);
                report.ratios()
                        .add(new Ratio(
                                "echo-http msgs/s as % of the raw bridge's (" + payload + " B)",
                                EchoInprocessScenario.percent(gatewayMax.perSecond(), bridgeMax.perSecond()),
                                "%",
                                TARGET_PERCENT_OF_BRIDGE,
                                true));
                report.ratios()
                        .add(new Ratio(
                                "echo-http CPU per message over the raw bridge's (" + payload + " B)",
                                Math.round(gatewayMax.serverCpuMicrosPerOp() / bridgeMax.serverCpuMicrosPerOp() * 100)
                                        / 100.0,
                                "x",
                                TARGET_CPU_RATIO,
                                false));
                report.notes()
                        .add("Gateway msgs/s as % of the stub called directly (" + payload + " B): "
                                + EchoInprocessScenario.percent(gatewayMax.perSecond(), directMax.perSecond()) + " %.");
                double added =
                        gatewayHalf.latency().p99() - directHalf.latency().p99();
                report.ratios()
                        .add(new Ratio(
                                "echo-http added p99 at half the gateway's max rate (" + payload + " B)",
                                Math.round(added * 1000) / 1000.0,
                                "ms",
                                TARGET_ADDED_P99_MS,
                                false));
            }
        }
        report.notes()
                .add("Before the measured runs, one unrecorded closed-loop pass over each path warms the three JVMs.");
        report.notes()
                .add(
                        "Three JVMs (load generator, gateway, stub function) share the machine's cores; the"
                                + " direct runs load only the stub. Paced runs measure latency from when each message was due.");
    }
}
