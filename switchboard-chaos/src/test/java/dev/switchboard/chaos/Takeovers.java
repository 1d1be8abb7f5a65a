package dev.switchboard.chaos;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads from the nodes' logs when a survivor declared a node lost ({@code cluster: node n2 taken
 * over}), into the run's history: the checker does not expect pushes to reach that node's
 * connections until it has registered again. Log times are UTC wall-clock times.
 */
final class Takeovers {
    private static final Pattern TAKEN_OVER = Pattern.compile(
            "(?m)^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) WARN +NodeLossMonitor - cluster: node n(\\d+) taken over");

    private Takeovers() {}

    static void read(ChaosCluster cluster, History history) {
        for (NodeProcess node : cluster.nodes) {
            Matcher line = TAKEN_OVER.matcher(node.logText());
            while (line.find()) {
                long at = nanos(history, LocalTime.parse(line.group(1)));
                if (at >= history.originNanos) {
                    history.takeovers.add(new History.Takeover(Integer.parseInt(line.group(2)) - 1, at));
                }
            }
        }
    }

    /** The wall-clock {@code time} nearest to the run's start, on the nanoTime scale. */
    private static long nanos(History history, LocalTime time) {
        LocalDate day = Instant.ofEpochMilli(history.originMillis)
                .atZone(ZoneOffset.UTC)
                .toLocalDate();
        long best = Long.MAX_VALUE;
        for (int offset = -1; offset <= 1; offset++) {
            long millis =
                    time.atDate(day.plusDays(offset)).toInstant(ZoneOffset.UTC).toEpochMilli();
            if (Math.abs(millis - history.originMillis) < Math.abs(best - history.originMillis)) {
                best = millis;
            }
        }
        return history.originNanos + (best - history.originMillis) * 1_000_000;
    }
}
