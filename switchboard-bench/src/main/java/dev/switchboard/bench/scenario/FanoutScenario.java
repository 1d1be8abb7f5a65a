package dev.switchboard.bench.scenario;

import dev.switchboard.bench.load.FanoutRun;
import dev.switchboard.bench.load.LoadSpec;
import dev.switchboard.bench.load.Publisher;
import dev.switchboard.bench.report.Ratio;
import dev.switchboard.bench.report.RunResult;
import dev.switchboard.bench.report.ScenarioReport;
import dev.switchboard.bench.server.BenchFunctions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One push to a group of 10,000: every member joins the group through its (in-process)
 * registration; pushes to the group go through the push API, a few rounds in flight. Target:
 * 300,000 frames/s delivered. The reference is raw Netty's {@code ChannelGroup} broadcast, or
 * with {@code --reference nchan} nginx with the nchan module, measured in alternation with the
 * gateway (see {@link NchanReference}).
 */
@Command(name = "fanout", description = "Push to a group of members through the push API (frames/s).")
final class FanoutScenario extends Scenario {
    static final double TARGET_FRAMES_PER_SECOND = 300_000;

    /** The systems the gateway can be compared with. */
    enum Reference {
        RAW_NETTY,
        NCHAN
    }

    @Option(names = "--members", description = "Group members (default: 10000).")
    int members = 10_000;

    @Option(names = "--rounds-in-flight", description = "Pushes whose frames are still arriving, at most (default: 2).")
    int roundsInFlight = 2;

    @Option(
            names = "--reference",
            converter = ReferenceConverter.class,
            description = "raw-netty (default) or nchan (nginx with the nchan module; skipped when absent).")
    Reference reference = Reference.RAW_NETTY;

    @Option(
            names = "--alternations",
            description = "With --reference nchan: runs of each system per payload, alternating (default: 2).")
    int alternations = 2;

    @Option(names = "--nginx", description = "With --reference nchan: the nginx binary (default: nginx on the PATH).")
    @Nullable
    Path nginx;

    @Override
    String name() {
        return "fanout";
    }

    @Override
    void run(ScenarioReport report) throws Exception {
        report.parameters().put("members", members);
        report.parameters().put("roundsInFlight", roundsInFlight);
        report.parameters().put("reference", reference.name().toLowerCase(Locale.ROOT));
        if (reference == Reference.NCHAN) {
            new NchanReference(this, report).run();
            return;
        }
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
        try (ChildJvm server = gateway(servers)) {
            for (int i = 0; i < raw.length; i++) {
                LoadSpec spec = options.spec(members, options.payloads.get(i));
                gateway[i] = gatewayRun(server, spec);
            }
        }
        for (int i = 0; i < raw.length; i++) {
            report.runs().add(raw[i]);
            report.runs().add(gateway[i]);
            String size = " (" + raw[i].payloadBytes() + " B)";
            report.ratios().add(absoluteTarget(gateway[i].perSecond(), size));
            report.notes()
                    .add("Gateway fan-out" + size + ": "
                            + EchoInprocessScenario.percent(gateway[i].perSecond(), raw[i].perSecond())
                            + " % of the raw Netty broadcast's frames/s.");
        }
        report.notes().add(LATENCY_NOTE);
        report.notes()
                .add("The reference is the raw Netty echo server broadcasting each push with"
                        + " ChannelGroup.writeAndFlush to every connection (each server ran alone, raw first,"
                        + " after one unrecorded warm-up pass of the load generator against it).");
    }

    static final String LATENCY_NOTE = "Latency is from sending the push to each frame's arrival at a member; the load"
            + " generator receiving the frames shares the machine's cores with the server. Frames still missing"
            + " 10 s after the window closed, and publishes that failed or reached fewer members, count as errors.";

    /** The gateway under test: one route whose registration joins every member to the group. */
    ChildJvm gateway(Servers servers) throws IOException, InterruptedException {
        return servers.gateway(
                "gateway", 0, "--register", "java:" + BenchFunctions.class.getName() + "#registerToGroup");
    }

    /** One measured fan-out through {@code server}'s push API. */
    RunResult gatewayRun(ChildJvm server, LoadSpec spec) throws Exception {
        log("gateway fan-out to " + members + " members, " + spec.payloadBytes() + " B");
        URI push = URI.create("http://127.0.0.1:" + server.port(1) + "/push");
        RunResult run = FanoutRun.run(
                "gateway, push to a group",
                "gateway",
                Servers.ws(server, true),
                Publisher.pushApi(push, BenchFunctions.GROUP),
                spec.against(server.pid()),
                roundsInFlight);
        ConnectRateScenario.awaitClosed(server);
        return run;
    }

    /** The absolute frames/s target for a gateway run. */
    Ratio absoluteTarget(double framesPerSecond, String size) {
        return new Ratio(
                "fanout frames/s to " + members + " members" + size,
                framesPerSecond,
                "frames/s",
                TARGET_FRAMES_PER_SECOND,
                true);
    }

    /** A run against the raw Netty server's broadcast. */
    private RunResult broadcast(String name, ChildJvm server, URI push, LoadSpec spec) throws InterruptedException {
        return FanoutRun.run(
                name,
                "raw-netty",
                Servers.ws(server, false),
                Publisher.pushApi(push, BenchFunctions.GROUP),
                spec.against(server.pid()),
                roundsInFlight);
    }

    /** Reads {@code raw-netty} and {@code nchan}. */
    static final class ReferenceConverter implements CommandLine.ITypeConverter<Reference> {
        @Override
        public Reference convert(String value) {
            return switch (value) {
                case "raw-netty" -> Reference.RAW_NETTY;
                case "nchan" -> Reference.NCHAN;
                default ->
                    throw new CommandLine.TypeConversionException(
                            "--reference: " + value + " (expected: raw-netty or nchan)");
            };
        }
    }
}
