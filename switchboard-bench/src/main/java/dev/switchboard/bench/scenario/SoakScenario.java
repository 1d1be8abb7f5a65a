package dev.switchboard.bench.scenario;

import dev.switchboard.bench.report.Latency;
import dev.switchboard.bench.report.RunResult;
import dev.switchboard.bench.report.ScenarioReport;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A long run of everything that wears a gateway down at once: connections opening and ending
 * (normal closes and abrupt resets), steady clients exchanging messages through an HTTP transfer
 * function, and readers that stop reading while a group push keeps coming. It checks what must
 * hold however long it runs: every accepted connection gets exactly one cleanup, none stays open
 * after the run, and heap and file descriptors come back to where they started.
 */
@Command(name = "soak", description = "Churn + messages + slow clients for --minutes; cleanups, heap, fds.")
final class SoakScenario extends Scenario {
    @Option(names = "--minutes", description = "How long the load runs (default: 10).")
    double minutes = 10;

    @Option(names = "--steady", description = "Clients exchanging messages the whole time (default: 50).")
    int steady = 50;

    @Override
    String name() {
        return "soak";
    }

    @Override
    void run(ScenarioReport report) throws Exception {
        report.parameters().put("minutes", minutes);
        report.parameters().put("steady", steady);
        try (StubFunctionServer functions = StubFunctionServer.start().countOnly()) {
            functions.on(
                    "/register",
                    // a client joins the group its query names (the slow readers), or "soak"
                    event -> StubResponse.json(StubFunctionServer.json()
                            .put("errNo", 0)
                            .set(
                                    "groups",
                                    StubFunctionServer.json()
                                            .arrayNode()
                                            .add(event.at("/queryString/group").asText("soak")))));
            functions.on("/transfer", event -> {
                var body = StubFunctionServer.json();
                body.putObject("reply")
                        .put("dataType", "text")
                        .put("data", event.at("/websocket/data").asText());
                return StubResponse.json(body);
            });
            TestGateway gateway = TestGateway.start(GatewayConfig.builder()
                    .limits(LimitsConfig.builder()
                            .maxConnectionsPerIp(100_000)
                            .connectRatePerIp(100_000)
                            .outboundBufferBytes(64 * 1024)
                            .build())
                    .route(RouteConfig.builder("/soak")
                            .register(functions.target("/register"))
                            .transfer(functions.target("/transfer"))
                            .cleanup(functions.target("/cleanup"))
                            .build()));
            try {
                // the baseline is taken with the steady clients connected: they stay the whole run
                List<WsClient> steadyClients = new ArrayList<>();
                for (int i = 0; i < steady; i++) {
                    steadyClients.add(WsClient.open(gateway.ws("/soak")));
                }
                long heapBefore = heapAfterGc();
                long fdsBefore = openFiles();
                Counters counters = new Counters();
                long end = System.nanoTime() + (long) (minutes * 60e9);
                Histogram echo = new Histogram(60_000_000_000L, 3);
                int round = 0;
                while (System.nanoTime() < end) {
                    churn(gateway, counters);
                    exchange(gateway, steadyClients, echo, counters, round);
                    if (round % 20 == 0) {
                        slowReader(gateway, counters);
                    }
                    round++;
                    if (round % 100 == 0) {
                        log(String.format(
                                "round %d: %d opened, %d echoes, open now %d",
                                round,
                                counters.opened.get(),
                                counters.echoes.get(),
                                gateway.gateway().openConnections()));
                    }
                }
                long heapAfter = heapAfterGc();
                long fdsAfter = openFiles();
                steadyClients.forEach(client -> client.close(1000, "done"));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while ((gateway.gateway().openConnections() > 0
                                || functions.count("/cleanup") < functions.count("/register"))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100); // waiting for the last cleanups to be delivered
                }
                long registered = functions.count("/register");
                long cleanups = functions.count("/cleanup");
                double seconds = minutes * 60;
                report.runs()
                        .add(new RunResult(
                                "steady clients' echoes through HTTP transfer",
                                "gateway",
                                steady,
                                32,
                                0,
                                seconds,
                                counters.echoes.get(),
                                counters.echoes.get() / seconds,
                                0,
                                counters.errors.get(),
                                Latency.of(echo),
                                Double.NaN,
                                -1));
                report.notes()
                        .add(String.format(
                                "Connections accepted %d; cleanups %d; open after the run %d.",
                                registered, cleanups, gateway.gateway().openConnections()));
                report.notes()
                        .add(String.format(
                                "Churned %d connections (%d closed normally, %d reset), %d slow readers closed by the"
                                        + " gateway, %d steady clients closed by the gateway (and replaced), %d"
                                        + " messages echoed, %d client-side errors.",
                                counters.opened.get(),
                                counters.closed.get(),
                                counters.reset.get(),
                                counters.slowClosed.get(),
                                counters.steadyClosed.get(),
                                counters.echoes.get(),
                                counters.errors.get()));
                report.notes()
                        .add(String.format(
                                "Heap after GC (gateway, stub and load generator share this JVM; the stub only counts"
                                        + " calls): %.1f MiB at the start, %.1f MiB at the end. Open files: %d, %d.",
                                heapBefore / 1048576.0, heapAfter / 1048576.0, fdsBefore, fdsAfter));
                report.notes()
                        .add(
                                registered == cleanups
                                        ? "Every accepted connection got exactly one cleanup (the stub counts every call, a"
                                                + " retry included)."
                                        : "MISMATCH: accepted connections and cleanups differ.");
            } finally {
                gateway.close();
            }
        }
    }

    private static void churn(TestGateway gateway, Counters counters) {
        for (int i = 0; i < 20; i++) {
            try {
                WsClient client = WsClient.open(gateway.ws("/soak"));
                counters.opened.incrementAndGet();
                if (ThreadLocalRandom.current().nextBoolean()) {
                    client.close(1000, "bye");
                    client.awaitClose(Duration.ofSeconds(10));
                    counters.closed.incrementAndGet();
                } else {
                    client.abort();
                    counters.reset.incrementAndGet();
                }
            } catch (Exception | AssertionError e) {
                counters.errors.incrementAndGet();
            }
        }
    }

    /**
     * One message per steady client and its echo. A steady client the gateway closed (a transfer
     * call that timed out closes with 1011, per {@code on-transfer-error}) is counted and replaced,
     * so the run goes on with the same number of steady clients.
     */
    private static void exchange(
            TestGateway gateway, List<WsClient> clients, Histogram echo, Counters counters, int round) {
        for (int i = 0; i < clients.size(); i++) {
            WsClient client = clients.get(i);
            try {
                String text = "r" + round + " " + "x".repeat(28);
                long started = System.nanoTime();
                client.sendText(text);
                if (client.next(Duration.ofSeconds(15)).text().equals(text)) {
                    echo.recordValue(Math.min(System.nanoTime() - started, 60_000_000_000L));
                    counters.echoes.incrementAndGet();
                } else {
                    counters.errors.incrementAndGet();
                }
            } catch (Exception | AssertionError e) {
                counters.errors.incrementAndGet();
                if (!client.isOpen()) {
                    WsClient.Closed closed = client.awaitClose(Duration.ofSeconds(10));
                    log(String.format("steady client closed by the gateway: %d %s", closed.code(), closed.reason()));
                    counters.steadyClosed.incrementAndGet();
                    clients.set(i, WsClient.open(gateway.ws("/soak")));
                }
            }
        }
    }

    /** A reader that stops reading while the group gets pushes until the gateway closes it. */
    private static void slowReader(TestGateway gateway, Counters counters) {
        try {
            WsClient slow = WsClient.to(gateway.ws("/soak?group=slow"))
                    .receiveBuffer(4096)
                    .open();
            counters.opened.incrementAndGet();
            slow.reading(false);
            boolean closedByGateway = false;
            String payload = "s".repeat(16 * 1024);
            for (int i = 0; i < 2000 && slow.isOpen(); i++) {
                int failed = gateway.push("{\"websocket\":{\"action\":\"data send\",\"group\":\"slow\","
                                + "\"dataType\":\"text\",\"data\":\"" + payload + "\"}}")
                        .body()
                        .path("failed")
                        .asInt();
                if (failed > 0) {
                    closedByGateway = true;
                    counters.slowClosed.incrementAndGet();
                    break;
                }
            }
            slow.reading(true);
            if (closedByGateway) {
                slow.awaitClose(Duration.ofSeconds(30));
            }
            slow.close();
        } catch (Exception | AssertionError e) {
            counters.errors.incrementAndGet();
        }
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long openFiles() {
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            return files.count();
        } catch (Exception e) {
            return -1;
        }
    }

    /** What the load did. */
    private static final class Counters {
        final AtomicLong opened = new AtomicLong();
        final AtomicLong closed = new AtomicLong();
        final AtomicLong reset = new AtomicLong();
        final AtomicLong slowClosed = new AtomicLong();
        final AtomicLong steadyClosed = new AtomicLong();
        final AtomicLong echoes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
    }
}
