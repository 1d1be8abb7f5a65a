package dev.switchboard.chaos;

import dev.switchboard.chaos.Checker.Anomaly;
import dev.switchboard.chaos.Checker.Resources;
import dev.switchboard.chaos.FaultSchedule.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run: starts the cluster, runs the workload under the seed's fault schedule for its duration,
 * heals everything, closes every client, waits for the cleanups, and checks the history.
 */
final class ChaosRun {
    private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
    private static final Duration SETTLE = Duration.ofSeconds(20);

    /** What a run did and what the checker found. */
    record Result(
            long seed,
            long operations,
            int faults,
            Map<Kind, Integer> faultsByKind,
            int pushes,
            long frames,
            int honest503,
            int cutOffCleanups,
            int repeatedAfterKill,
            int sessionDuplicates,
            List<Anomaly> anomalies) {
        String summary() {
            StringBuilder text = new StringBuilder(String.format(
                    "seed %d: %d operations (%d pushes, %d frames received), %d faults %s, %d honest 503s,"
                            + " %d cut-off cleanups, %d cleanups repeated after a kill, %d session duplicates in a"
                            + " move, %d anomalies",
                    seed,
                    operations,
                    pushes,
                    frames,
                    faults,
                    faultsByKind,
                    honest503,
                    cutOffCleanups,
                    repeatedAfterKill,
                    sessionDuplicates,
                    anomalies.size()));
            Map<String, Integer> byRule = new java.util.TreeMap<>();
            anomalies.forEach(a -> byRule.merge(a.rule(), 1, Integer::sum));
            if (!byRule.isEmpty()) {
                text.append(' ').append(byRule);
            }
            for (Anomaly anomaly : anomalies.subList(0, Math.min(anomalies.size(), 40))) {
                text.append("\n  ").append(anomaly);
            }
            if (anomalies.size() > 40) {
                text.append("\n  … and ").append(anomalies.size() - 40).append(" more");
            }
            return text.toString();
        }
    }

    /**
     * Runs {@code seed}'s schedule for {@code duration}; the nodes' configs and logs, Redis's log
     * and {@code anomalies-<seed>.txt} stay in {@code target/chaos/seed-<seed>/}.
     */
    static Result run(long seed, Duration duration) {
        return run(FaultSchedule.generate(seed, duration));
    }

    static Result run(FaultSchedule schedule) {
        Path dir = freshDir("seed-" + schedule.seed());
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(dir, functions.url())) {
            List<Resources> baseline = resources(cluster);
            return run(schedule, cluster, history, dir, baseline);
        }
    }

    /**
     * Runs each schedule after the other on one cluster, started once: each run starts and ends
     * with every node ready and every client closed and cleaned up, and has its own history, so
     * the checker reads each run alone. Memory and open files are measured before the first run
     * and checked after the last. The logs stay in {@code target/chaos/shared/}.
     */
    static List<Result> runOnOneCluster(List<FaultSchedule> schedules) {
        Path dir = freshDir("shared");
        History first = new History();
        List<Result> results = new ArrayList<>();
        try (ChaosFunctions functions = new ChaosFunctions(first);
                ChaosCluster cluster = new ChaosCluster(dir, functions.url())) {
            List<Resources> baseline = resources(cluster);
            for (int i = 0; i < schedules.size(); i++) {
                History history = results.isEmpty() ? first : new History();
                functions.recordIn(history);
                boolean last = i == schedules.size() - 1;
                results.add(run(schedules.get(i), cluster, history, dir, last ? baseline : null));
            }
        }
        return results;
    }

    private static Path freshDir(String name) {
        Path dir = Path.of("target", "chaos", name).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                try (var old = Files.walk(dir)) {
                    old.sorted(java.util.Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    /** One run on a started cluster; its end is checked against {@code baseline} unless that is null. */
    private static Result run(
            FaultSchedule schedule,
            ChaosCluster cluster,
            History history,
            Path dir,
            @Nullable List<Resources> baseline) {
        long seed = schedule.seed();
        Duration duration = schedule.duration();
        System.out.println(schedule.describe());
        log.info("{}", schedule.describe());
        Workload workload = new Workload(cluster, history, seed);
        FaultRunner faults = new FaultRunner(cluster, history);
        workload.start();
        faults.start(schedule);
        Pause.sleep(duration);
        faults.close();
        workload.close();

        awaitHealthy(cluster);
        Set<String> openAtEnd = new HashSet<>();
        for (ChaosClient client : history.clients) {
            if (!client.ended() && !client.dropped()) {
                openAtEnd.add(client.connId);
            }
        }
        for (ChaosClient client : history.clients) {
            client.close();
        }
        awaitCleanups(history);
        Takeovers.read(cluster, history);

        Checker checker = new Checker(history, openAtEnd).checkHistory().checkRedis(cluster.redis);
        if (baseline != null) {
            List<Resources> end = resources(cluster);
            checker.checkResources(baseline, end);
            log.info("resources at the start {} and at the end {}", baseline, end);
        }
        Map<Kind, Integer> byKind = new EnumMap<>(Kind.class);
        history.faults.forEach(f -> byKind.merge(f.kind(), 1, Integer::sum));
        long frames = history.clients.stream().mapToLong(c -> c.frames().size()).sum();
        int honest =
                (int) history.pushes.stream().filter(p -> p.status() == 503).count();
        Result result = new Result(
                seed,
                history.operations.get(),
                history.faults.size(),
                byKind,
                history.pushes.size(),
                frames,
                honest,
                checker.cutOffCleanups(),
                checker.repeatedAfterKill(),
                checker.sessionDuplicates(),
                checker.anomalies());
        System.out.println(result.summary());
        log.info("{}", result.summary());
        writeAnomalies(dir.resolve("anomalies-" + seed + ".txt"), seed, checker.anomalies());
        return result;
    }

    /** Every anomaly, one a line, in {@code anomalies-<seed>.txt} next to the nodes' logs. */
    private static void writeAnomalies(Path file, long seed, List<Anomaly> anomalies) {
        try {
            Files.write(file, anomalies.stream().map(Anomaly::toString).toList());
        } catch (IOException e) {
            log.warn("cannot write the anomalies of seed {}: {}", seed, e.toString());
        }
    }

    private static void awaitHealthy(ChaosCluster cluster) {
        for (NodeProcess node : cluster.nodes) {
            if (!node.isAlive()) {
                node.start();
            }
            if (!node.awaitReady(ChaosCluster.START_TIMEOUT)) {
                throw new IllegalStateException(node.id() + " not ready after the faults ended:\n" + node.logText());
            }
        }
        // a takeover started before the nodes were ready again has ended
        Pause.sleep(ChaosCluster.TTL);
    }

    /** Waits until every accepted connection has a cleanup, or {@link #SETTLE} has passed. */
    private static void awaitCleanups(History history) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            Set<String> cleaned = new HashSet<>();
            history.cleanups.forEach(c -> cleaned.add(c.connId()));
            if (history.clients.stream().allMatch(c -> cleaned.contains(c.connId))) {
                break;
            }
            Pause.sleep(Duration.ofMillis(200));
        }
        // late repeats (a second cleanup) would come within a few heartbeats
        Pause.sleep(ChaosCluster.TTL.plus(ChaosCluster.HEARTBEAT.multipliedBy(2)));
    }

    private static List<Resources> resources(ChaosCluster cluster) {
        List<Resources> resources = new ArrayList<>();
        for (NodeProcess node : cluster.nodes) {
            resources.add(new Resources(node.id(), node.heapAfterGcKiB(), node.openFiles()));
        }
        return resources;
    }
}
