package dev.switchboard.bench.scenario;

import dev.switchboard.bench.load.ConnectResult;
import dev.switchboard.bench.load.ProcessCpu;
import dev.switchboard.bench.load.WsListener;
import dev.switchboard.bench.load.WsLoadClient;
import dev.switchboard.bench.report.Latency;
import dev.switchboard.bench.report.Ratio;
import dev.switchboard.bench.report.RunResult;
import dev.switchboard.bench.report.ScenarioReport;
import dev.switchboard.bench.server.BenchFunctions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Handshakes per second: rounds of opening {@code --connections} connections (at most
 * {@code --max-pending} handshakes in flight), each round closed before the next. The first
 * round warms up and is not counted. Measured against the gateway with an in-process and with an
 * HTTP registration function, with neither, and with HS256 and RS256 token auth and no function,
 * and the raw Netty server as the reference. Targets: 5,000/s in-process; the HTTP registration at
 * least 80 % of raw Netty's rate, token auth at least 80 % of the plain handshake's.
 */
@Command(name = "connect-rate", description = "WebSocket handshakes/s (in-process and HTTP registration).")
final class ConnectRateScenario extends Scenario {
    static final double TARGET_PER_SECOND = 5_000;

    /** A registration function's or token verification's least share of the bare handshake rate. */
    static final double TARGET_PERCENT = 80;

    @Option(names = "--connections", description = "Connections opened per round (default: 10000).")
    int connections = 10_000;

    @Option(names = "--rounds", description = "Measured rounds after one warm-up round (default: 3).")
    int rounds = 3;

    @Override
    String name() {
        return "connect-rate";
    }

    @Override
    void run(ScenarioReport report) throws Exception {
        report.parameters().put("connections", connections);
        report.parameters().put("rounds", rounds);
        report.parameters().put("maxPending", options.maxPending);
        Servers servers = servers();
        RunResult raw;
        try (ChildJvm server = servers.rawEcho()) {
            raw = measure(report, "raw Netty WebSocket server", "raw-netty", server, Servers.ws(server, false));
        }
        RunResult inProcess;
        String register = "java:" + BenchFunctions.class.getName() + "#register";
        try (ChildJvm gateway = servers.gateway("gateway", 0, "--register", register)) {
            inProcess =
                    measure(report, "gateway, in-process registration", "gateway", gateway, Servers.ws(gateway, true));
        }
        RunResult http;
        try (ChildJvm stub = servers.stub();
                ChildJvm gateway =
                        servers.gateway("gateway-http", 0, "--register", Servers.stubUrl(stub, "/register"))) {
            http = measure(report, "gateway, HTTP registration", "gateway", gateway, Servers.ws(gateway, true));
        }
        RunResult plain;
        try (ChildJvm gateway = servers.gateway("gateway-plain", 0)) {
            plain = measure(report, "gateway, no function, no token", "gateway", gateway, Servers.ws(gateway, true));
        }
        BenchTokens tokens = BenchTokens.generate();
        RunResult hs256;
        try (ChildJvm gateway = servers.gateway("gateway-hs256", 0, "--auth-secret", tokens.secret())) {
            URI uri = tokens.withHs256(Servers.ws(gateway, true));
            hs256 = measure(report, "gateway, HS256 token, no function", "gateway", gateway, uri);
        }
        RunResult rs256;
        Path publicKey = tokens.writePublicKey(options.out.resolve("connect-rate-rs256.pem"));
        try (ChildJvm gateway = servers.gateway("gateway-rs256", 0, "--auth-public-key", publicKey.toString())) {
            URI uri = tokens.withRs256(Servers.ws(gateway, true));
            rs256 = measure(report, "gateway, RS256 token, no function", "gateway", gateway, uri);
        }
        report.ratios()
                .add(new Ratio(
                        "connect-rate handshakes/s, in-process registration",
                        inProcess.perSecond(),
                        "/s",
                        TARGET_PER_SECOND,
                        true));
        report.ratios().add(percentOf("HTTP registration, % of the raw Netty 101 rate", http, raw));
        report.ratios().add(percentOf("HS256 token, % of the plain handshake rate", hs256, plain));
        report.ratios().add(percentOf("RS256 token, % of the plain handshake rate", rs256, plain));
        report.notes()
                .add("The HTTP registration function is the stub function server, answering at once. The token"
                        + " runs verify a JWT from the query parameter at every handshake, with the key from config"
                        + " (parsed once), and call no function; every connection of a run carries the same token,"
                        + " and each handshake verifies it in full. The plain run is the same route with neither.");
        report.notes()
                .add(
                        "Payload sizes do not apply. Each row sums the measured rounds; latency (of the last round) is TCP connect"
                                + " to 101 response. Closing each round's connections (and the cleanups that follow) happens"
                                + " between rounds, outside the measurement.");
    }

    private static Ratio percentOf(String name, RunResult run, RunResult reference) {
        return new Ratio(
                "connect-rate " + name,
                EchoInprocessScenario.percent(run.perSecond(), reference.perSecond()),
                "%",
                TARGET_PERCENT,
                true);
    }

    private RunResult measure(ScenarioReport report, String name, String server, ChildJvm process, URI uri)
            throws Exception {
        long handshakes = 0;
        double seconds = 0;
        long failed = 0;
        long cpuMicros = 0;
        Latency last = null;
        try (WsLoadClient client = new WsLoadClient(uri, options.clientThreads, options.sources)) {
            for (int round = 0; round <= rounds; round++) {
                log(name + ", round " + round + (round == 0 ? " (warm-up)" : ""));
                long cpuBefore = ProcessCpu.micros(process.pid());
                ConnectResult result = client.connect(
                        round * connections,
                        connections,
                        options.maxPending,
                        Duration.ofSeconds(120),
                        i -> WsListener.IDLE);
                long cpuAfter = ProcessCpu.micros(process.pid());
                WsLoadClient.closeAll(result.open(), Duration.ofSeconds(60));
                awaitClosed(process);
                if (round == 0) {
                    continue;
                }
                handshakes += result.open().size();
                cpuMicros += cpuAfter - cpuBefore;
                seconds += result.seconds();
                failed += result.failed();
                last = result.handshakes();
                if (result.failed() > 0) {
                    report.notes()
                            .add(name + ", round " + round + ": " + result.failed()
                                    + " handshakes failed or never completed; first error: " + result.firstError());
                }
            }
        }
        RunResult run = new RunResult(
                name,
                server,
                connections,
                0,
                0,
                Math.round(seconds * 1000) / 1000.0,
                handshakes,
                seconds == 0 ? 0 : Math.round(handshakes / seconds * 10) / 10.0,
                0,
                failed,
                last == null ? Latency.of(new org.HdrHistogram.Histogram(3)) : last,
                handshakes == 0 ? Double.NaN : Math.round(cpuMicros * 100.0 / handshakes) / 100.0,
                -1);
        report.runs().add(run);
        return run;
    }

    /** Waits (up to 60 s) until {@code server} counts no open connection. */
    static void awaitClosed(ChildJvm server) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (server.openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }
}
