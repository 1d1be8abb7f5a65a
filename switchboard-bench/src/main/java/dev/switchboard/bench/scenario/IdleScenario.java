package dev.switchboard.bench.scenario;

import dev.switchboard.bench.load.ConnectResult;
import dev.switchboard.bench.load.WsConnection;
import dev.switchboard.bench.load.WsListener;
import dev.switchboard.bench.load.WsLoadClient;
import dev.switchboard.bench.report.MemoryResult;
import dev.switchboard.bench.report.Ratio;
import dev.switchboard.bench.report.ScenarioReport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Memory per idle connection: opens {@code --connections} in {@code --steps} equal steps and
 * after each asks the server for its heap after full GC and its RSS; per-connection figures are
 * against the same server before the connections (after a warm-up batch opened and closed). The
 * gateway (in-process echo route) and the raw Netty server are measured. Target: 4 KiB of heap
 * per connection at 100,000 connections.
 */
@Command(name = "idle", description = "Heap and RSS per idle connection.")
final class IdleScenario extends Scenario {
    static final double TARGET_HEAP_BYTES = 4096;
    static final int WARMUP_CONNECTIONS = 1000;

    @Option(names = "--connections", description = "Idle connections (default: 19000; see BENCHMARKS.md).")
    int connections = 19_000;

    @Option(names = "--steps", description = "Measurement points (default: 4).")
    int steps = 4;

    @Option(names = "--settle", description = "Seconds to wait after each step before measuring (default: 3).")
    double settleSeconds = 3;

    @Override
    String name() {
        return "idle";
    }

    @Override
    void run(ScenarioReport report) throws Exception {
        report.parameters().put("connections", connections);
        report.parameters().put("steps", steps);
        Servers servers = servers();
        try (ChildJvm raw = servers.rawEcho()) {
            measure(report, "raw-netty", raw, Servers.ws(raw, false));
        }
        MemoryResult gateway;
        try (ChildJvm server = servers.gateway("gateway", 0, "--transfer", Servers.ECHO)) {
            gateway = measure(report, "gateway", server, Servers.ws(server, true));
        }
        report.ratios()
                .add(new Ratio(
                        "idle heap per connection at " + gateway.connections() + " connections",
                        Math.round(gateway.heapPerConnection()),
                        "B",
                        TARGET_HEAP_BYTES,
                        false));
        report.notes()
                .add("Heap is measured inside the server JVM after System.gc() (minimum of 3), RSS from"
                        + " /proc/<pid>/status; both against the same server before the measured connections.");
    }

    private MemoryResult measure(ScenarioReport report, String server, ChildJvm process, URI uri) throws Exception {
        MemoryResult last = null;
        List<WsConnection> open = new ArrayList<>();
        try (WsLoadClient client = new WsLoadClient(uri, options.clientThreads, options.sources)) {
            ConnectResult warm = client.connect(
                    0,
                    Math.min(WARMUP_CONNECTIONS, connections),
                    options.maxPending,
                    Duration.ofSeconds(60),
                    i -> WsListener.IDLE);
            WsLoadClient.closeAll(warm.open(), Duration.ofSeconds(30));
            ConnectRateScenario.awaitClosed(process);
            String[] base = process.ask("heap", "HEAP");
            long baseHeap = Long.parseLong(base[0]);
            long baseRss = Long.parseLong(base[2]);
            int perStep = Math.max(1, connections / steps);
            int first = WARMUP_CONNECTIONS;
            for (int step = 1; step <= steps; step++) {
                int count = step == steps ? connections - open.size() : perStep;
                ConnectResult result = client.connect(
                        first + open.size(), count, options.maxPending, Duration.ofSeconds(120), i -> WsListener.IDLE);
                open.addAll(result.open());
                if (result.failed() > 0) {
                    report.notes()
                            .add(server + ": " + result.failed() + " connections failed, first: "
                                    + result.firstError());
                }
                Thread.sleep((long) (settleSeconds * 1000));
                int held = process.openConnections();
                String[] now = process.ask("heap", "HEAP");
                long heap = Long.parseLong(now[0]);
                long rss = Long.parseLong(now[2]);
                last = new MemoryResult(
                        server,
                        held,
                        heap,
                        held == 0 ? 0 : (heap - baseHeap) / (double) held,
                        rss,
                        held == 0 ? 0 : (rss - baseRss) / (double) held);
                report.memory().add(last);
                log(server + ": " + last);
            }
            WsLoadClient.closeAll(open, Duration.ofSeconds(60));
        }
        if (last == null) {
            throw new IllegalStateException("no measurement");
        }
        return last;
    }
}
