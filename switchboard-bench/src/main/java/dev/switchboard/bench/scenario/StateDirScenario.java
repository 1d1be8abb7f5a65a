package dev.switchboard.bench.scenario;

import dev.switchboard.bench.load.ConnectResult;
import dev.switchboard.bench.load.WsListener;
import dev.switchboard.bench.load.WsLoadClient;
import dev.switchboard.bench.report.Latency;
import dev.switchboard.bench.report.Ratio;
import dev.switchboard.bench.report.RunResult;
import dev.switchboard.bench.report.ScenarioReport;
import dev.switchboard.bench.server.BenchFunctions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cost of {@code state-dir} per connect: the handshake rate of two gateways with an in-process
 * registration, one recording its connections in SQLite and one not, measured in alternating
 * rounds (so that a change in the machine's load hits both alike), and the journal's commit and
 * queue-to-commit latency read from the recording gateway's {@code /metrics}.
 */
@Command(name = "state-dir", description = "Connects/s with and without state-dir, and the journal's write latency.")
final class StateDirScenario extends Scenario {
    @Option(names = "--connections", description = "Connections opened per round (default: 10000).")
    int connections = 10_000;

    @Option(names = "--rounds", description = "Measured rounds per gateway after one warm-up round (default: 3).")
    int rounds = 3;

    @Override
    String name() {
        return "state-dir";
    }

    /** What one gateway added up over its rounds. */
    private static final class Tally {
        long handshakes;
        double seconds;
        long failed;
        Latency last = Latency.of(new Histogram(3));
    }

    @Override
    void run(ScenarioReport report) throws Exception {
        report.parameters().put("connections", connections);
        report.parameters().put("rounds", rounds);
        report.parameters().put("maxPending", options.maxPending);
        Path stateDir = Files.createTempDirectory("switchboard-bench-state");
        String register = "java:" + BenchFunctions.class.getName() + "#register";
        Servers servers = servers();
        try (ChildJvm plain = servers.gateway("gateway", 0, "--register", register);
                ChildJvm recording = servers.gateway(
                        "gateway-state-dir", 0, "--register", register, "--state-dir", stateDir.toString());
                WsLoadClient plainClient =
                        new WsLoadClient(Servers.ws(plain, true), options.clientThreads, options.sources);
                WsLoadClient recordingClient =
                        new WsLoadClient(Servers.ws(recording, true), options.clientThreads, options.sources)) {
            Tally without = new Tally();
            Tally with = new Tally();
            for (int round = 0; round <= rounds; round++) {
                round(report, "without state-dir", plain, plainClient, round, without);
                round(report, "with state-dir", recording, recordingClient, round, with);
            }
            RunResult withoutRun = result(report, "gateway, in-process registration, no state-dir", without);
            RunResult withRun = result(report, "gateway, in-process registration, state-dir (SQLite)", with);
            report.ratios()
                    .add(new Ratio(
                            "connects/s with state-dir, relative to without",
                            Math.round(withRun.perSecond() / withoutRun.perSecond() * 1000) / 1000.0,
                            "x",
                            0.9,
                            true));
            journalFigures(report, recording);
        } finally {
            try (Stream<Path> files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
        report.notes()
                .add("Rounds alternate between the two gateways, each round closed before the next; the first round of"
                        + " each is a warm-up. Both gateways run at the same time, in their own JVMs, on the same 2"
                        + " cores as the load generator. Latency (of the last round) is TCP connect to 101.");
    }

    private void round(ScenarioReport report, String name, ChildJvm server, WsLoadClient client, int round, Tally tally)
            throws Exception {
        log(name + ", round " + round + (round == 0 ? " (warm-up)" : ""));
        ConnectResult result = client.connect(
                round * connections, connections, options.maxPending, Duration.ofSeconds(120), i -> WsListener.IDLE);
        WsLoadClient.closeAll(result.open(), Duration.ofSeconds(60));
        ConnectRateScenario.awaitClosed(server);
        if (round == 0) {
            return;
        }
        tally.handshakes += result.open().size();
        tally.seconds += result.seconds();
        tally.failed += result.failed();
        tally.last = result.handshakes();
        if (result.failed() > 0) {
            report.notes()
                    .add(name + ", round " + round + ": " + result.failed() + " handshakes failed; first error: "
                            + result.firstError());
        }
    }

    private RunResult result(ScenarioReport report, String name, Tally tally) {
        RunResult run = new RunResult(
                name,
                "gateway",
                connections,
                0,
                0,
                Math.round(tally.seconds * 1000) / 1000.0,
                tally.handshakes,
                tally.seconds == 0 ? 0 : Math.round(tally.handshakes / tally.seconds * 10) / 10.0,
                0,
                tally.failed,
                tally.last,
                Double.NaN,
                -1);
        report.runs().add(run);
        return run;
    }

    /** The journal's meters, scraped from the recording gateway once its last round closed. */
    private static void journalFigures(ScenarioReport report, ChildJvm recording)
            throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + recording.port(1) + "/metrics");
        HttpClient http = HttpClient.newHttpClient();
        // the last removals are committed a few milliseconds after the last connection closed
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Map<String, Double> values = scrape(http, uri);
        while (values.getOrDefault("switchboard_journal_records", 0.0) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            values = scrape(http, uri);
        }
        double commits = values.getOrDefault("switchboard_journal_commit_seconds_count", 0.0);
        double commitSeconds = values.getOrDefault("switchboard_journal_commit_seconds_sum", 0.0);
        Map<String, Object> journal = new LinkedHashMap<>();
        journal.put("commits", (long) commits);
        journal.put("commitMeanMs", commits == 0 ? 0 : round(commitSeconds / commits * 1000));
        journal.put("commitP50Ms", ms(values, "switchboard_journal_commit_seconds{quantile=\"0.5\"}"));
        journal.put("commitP99Ms", ms(values, "switchboard_journal_commit_seconds{quantile=\"0.99\"}"));
        journal.put("commitMaxMs", ms(values, "switchboard_journal_commit_seconds_max"));
        journal.put("lagP50Ms", ms(values, "switchboard_journal_lag_seconds{quantile=\"0.5\"}"));
        journal.put("lagP99Ms", ms(values, "switchboard_journal_lag_seconds{quantile=\"0.99\"}"));
        journal.put("lagMaxMs", ms(values, "switchboard_journal_lag_seconds_max"));
        journal.put(
                "dropped",
                values.getOrDefault("switchboard_journal_dropped_total", 0.0).longValue());
        journal.put(
                "recordsLeft",
                values.getOrDefault("switchboard_journal_records", -1.0).longValue());
        report.parameters().put("journal", journal);
        report.notes()
                .add(String.format(
                        Locale.ROOT,
                        "Journal (SQLite, WAL, synchronous=FULL) over the whole run, warm-up included: %d commits,"
                                + " commit (write + fsync of a batch) mean %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
                                + " queued-to-committed p50 %.2f ms, p99 %.2f ms, max %.2f ms; %d records dropped;"
                                + " %d records left after every connection closed. Percentiles are Micrometer's"
                                + " over the last two minutes or so, max over the last few.",
                        journal.get("commits"),
                        journal.get("commitMeanMs"),
                        journal.get("commitP50Ms"),
                        journal.get("commitP99Ms"),
                        journal.get("commitMaxMs"),
                        journal.get("lagP50Ms"),
                        journal.get("lagP99Ms"),
                        journal.get("lagMaxMs"),
                        journal.get("dropped"),
                        journal.get("recordsLeft")));
    }

    private static Map<String, Double> scrape(HttpClient http, URI uri) throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Map<String, Double> values = new LinkedHashMap<>();
        metrics.lines().filter(line -> line.startsWith("switchboard_journal_")).forEach(line -> {
            int space = line.lastIndexOf(' ');
            values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        });
        return values;
    }

    private static double ms(Map<String, Double> values, String key) {
        return round(values.getOrDefault(key, Double.NaN) * 1000);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
