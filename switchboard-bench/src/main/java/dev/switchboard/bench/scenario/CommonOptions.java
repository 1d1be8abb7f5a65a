package dev.switchboard.bench.scenario;

import dev.switchboard.bench.load.LoadSpec;
import dev.switchboard.bench.net.EventLoops;
import dev.switchboard.bench.report.Machine;
import dev.switchboard.bench.report.ScenarioReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every scenario takes. */
final class CommonOptions {
    @Option(names = "--payloads", split = ",", description = "Payload sizes in bytes (default: 64,4096).")
    List<Integer> payloads = new ArrayList<>(List.of(64, 4096));

    @Option(names = "--warmup", description = "Seconds of traffic before each measurement window (default: 10).")
    double warmupSeconds = 10;

    @Option(names = "--duration", description = "Seconds each measurement window lasts (default: 15).")
    double durationSeconds = 15;

    @Option(names = "--client-threads", description = "Load generator event loops (default: one per core).")
    int clientThreads = EventLoops.defaultThreads();

    @Option(names = "--server-threads", description = "Event loops of each server (default: one per core).")
    int serverThreads = EventLoops.defaultThreads();

    @Option(names = "--sources", description = "Loopback source addresses for client sockets (default: 32).")
    int sources = 32;

    @Option(names = "--max-pending", description = "Handshakes in flight while connecting (default: 1000).")
    int maxPending = 1000;

    @Option(names = "--out", description = "Directory for <scenario>.json, <scenario>.md and server logs.")
    Path out = Path.of("bench", "results");

    @Option(
            names = "--server-jvm-opts",
            description = "Options for the server JVMs, space separated (default: -Xmx2g -XX:+UseG1GC).")
    String serverJvmOpts = "-Xmx2g -XX:+UseG1GC";

    @Option(names = "--profile", description = "Record a JFR profile of the gateway into <out>/<scenario>-gateway.jfr.")
    boolean profile;

    /** The server JVM options as a list. */
    List<String> serverJvmOptions() {
        return serverJvmOpts.isBlank()
                ? List.of()
                : Arrays.asList(serverJvmOpts.trim().split("\\s+"));
    }

    /** A load of {@code connections} with {@code payloadBytes}, closed loop. */
    LoadSpec spec(int connections, int payloadBytes) {
        return new LoadSpec(
                connections,
                payloadBytes,
                Duration.ofMillis((long) (warmupSeconds * 1000)),
                Duration.ofMillis((long) (durationSeconds * 1000)),
                0,
                clientThreads,
                sources,
                maxPending,
                0);
    }

    /** A report for {@code scenario} with these options recorded. */
    ScenarioReport report(String scenario) {
        ScenarioReport report = ScenarioReport.start(scenario, Machine.current(serverJvmOptions()));
        report.parameters().put("payloads", payloads);
        report.parameters().put("warmupSeconds", warmupSeconds);
        report.parameters().put("durationSeconds", durationSeconds);
        report.parameters().put("clientThreads", clientThreads);
        report.parameters().put("serverThreads", serverThreads);
        report.parameters().put("sources", sources);
        return report;
    }
}
