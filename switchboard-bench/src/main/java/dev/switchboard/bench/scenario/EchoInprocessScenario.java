package dev.switchboard.bench.scenario;

import dev.switchboard.bench.load.EchoRun;
import dev.switchboard.bench.load.LoadSpec;
import dev.switchboard.bench.report.Ratio;
import dev.switchboard.bench.report.RunResult;
import dev.switchboard.bench.report.ScenarioReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway with the built-in in-process echo function against the raw Netty echo server:
 * same connections, same payloads, closed loop. Target: the gateway reaches 70 % of the raw
 * server's messages/s.
 */
@Command(name = "echo-inprocess", description = "Gateway + in-process echo vs raw Netty echo (msgs/s).")
final class EchoInprocessScenario extends Scenario {
    static final double TARGET_PERCENT = 70;

    @Option(names = "--connections", description = "Client connections (default: 500).")
    int connections = 500;

    @Override
    String name() {
        return "echo-inprocess";
    }

    @Override
    void run(ScenarioReport report) throws Exception {
        report.parameters().put("connections", connections);
        Servers servers = servers();
        RunResult[] raw = new RunResult[options.payloads.size()];
        try (ChildJvm server = servers.rawEcho()) {
            // the load generator's JVM starts cold: one unrecorded pass, so the first measured run
            // (raw Netty's) is not the JIT's warm-up; this favours raw Netty, whose JVM gets it too
            log("warming up the load generator against raw Netty (not recorded)");
            EchoRun.run(
                    "warm-up",
                    "raw-netty",
                    Servers.ws(server, false),
                    options.spec(connections, options.payloads.get(0)).warmupOnly());
            for (int i = 0; i < raw.length; i++) {
                LoadSpec spec = options.spec(connections, options.payloads.get(i));
                log("raw Netty echo, " + spec.payloadBytes() + " B");
                raw[i] = EchoRun.run(
                        "raw Netty echo", "raw-netty", Servers.ws(server, false), spec.against(server.pid()));
            }
        }
        RunResult[] gateway = new RunResult[raw.length];
        try (ChildJvm server = servers.gateway("gateway", 0, "--transfer", Servers.ECHO)) {
            for (int i = 0; i < raw.length; i++) {
                LoadSpec spec = options.spec(connections, options.payloads.get(i));
                log("gateway in-process echo, " + spec.payloadBytes() + " B");
                gateway[i] = EchoRun.run(
                        "gateway, in-process Echo", "gateway", Servers.ws(server, true), spec.against(server.pid()));
            }
        }
        for (int i = 0; i < raw.length; i++) {
            report.runs().add(raw[i]);
            report.runs().add(gateway[i]);
            report.ratios()
                    .add(new Ratio(
                            "echo-inprocess msgs/s as % of raw Netty echo (" + raw[i].payloadBytes() + " B)",
                            percent(gateway[i].perSecond(), raw[i].perSecond()),
                            "%",
                            TARGET_PERCENT,
                            true));
        }
        report.notes()
                .add("Load generator and server share the machine's cores; each server ran alone"
                        + " (raw echo first, then the gateway), with the same connections and payloads.");
        report.notes()
                .add("Before the measured runs the load generator made one unrecorded warm-up pass"
                        + " against the raw echo server.");
    }

    static double percent(double part, double whole) {
        return whole == 0 ? 0 : Math.round(part / whole * 1000) / 10.0;
    }
}
