package dev.switchboard.server.internal.journal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What opening the journal found: how many records it recovered, how many it could not, and, for
 * a journal that could not be trusted, why and where its files went. Logged once at start (INFO
 * when nothing was lost, else ERROR) and kept as three gauges.
 *
 * @param recovered records read whose cleanups this start invokes
 * @param unreadable records in a trusted journal that could not be decoded, dropped without cleanup
 * @param damage why the journal could not be trusted, or null when it could
 * @param lost records the untrusted journal's last commit left, when its mark was readable
 * @param movedTo where the untrusted journal's files were moved
 */
record RecoveryReport(
        Path file,
        @Nullable JournalMark found,
        long recovered,
        long unreadable,
        @Nullable String damage,
        OptionalLong lost,
        @Nullable Path movedTo) {
    private static final Logger log = LoggerFactory.getLogger(SqliteJournal.class);

    static RecoveryReport trusted(Path file, @Nullable JournalMark found, long recovered, long unreadable) {
        return new RecoveryReport(file, found, recovered, unreadable, null, OptionalLong.empty(), null);
    }

    static RecoveryReport damaged(Path file, @Nullable JournalMark found, String damage, Path movedTo) {
        OptionalLong lost = found == null ? OptionalLong.empty() : OptionalLong.of(found.records());
        return new RecoveryReport(file, found, 0, 0, damage, lost, movedTo);
    }

    /** Records lost at this start; NaN when an untrusted journal's mark did not say how many. */
    double lostRecords() {
        if (damage == null) {
            return unreadable;
        }
        return lost.isPresent() ? lost.getAsLong() : Double.NaN;
    }

    void register(MeterRegistry meters) {
        Gauge.builder("switchboard.journal.recovered.records", this, report -> report.recovered)
                .description("Records the journal held at start whose cleanups this start invokes")
                .strongReference(true)
                .register(meters);
        Gauge.builder("switchboard.journal.lost.records", this, RecoveryReport::lostRecords)
                .description("Records the journal held at start that could not be recovered (their cleanups are lost);"
                        + " NaN when a damaged journal did not say how many")
                .strongReference(true)
                .register(meters);
        Gauge.builder("switchboard.journal.damaged", this, report -> report.damage == null ? 0 : 1)
                .description("1 when the journal found at start could not be trusted and was moved aside")
                .strongReference(true)
                .register(meters);
    }

    void log(String nodeId) {
        if (damage != null) {
            log.error(
                    "state-dir: {} cannot be trusted: {}. Its files were moved to {} and this node starts with an"
                            + " empty journal. Lost: the cleanups of {}; none is invoked from the moved files,"
                            + " which may hold cleanups already delivered",
                    file,
                    damage,
                    movedTo,
                    lost.isPresent()
                            ? "the " + lost.getAsLong() + " connections recorded at its last commit (commit "
                                    + found.commit() + ")"
                            : "an unknown number of connections (no readable connections.mark says how many)");
            return;
        }
        String writer = found == null || found.node().equals(nodeId) ? "" : ", written by node " + found.node();
        if (unreadable > 0) {
            log.error(
                    "state-dir: {} verified at commit {}{}: {} records recovered, {} unreadable and dropped"
                            + " without cleanup (logged above)",
                    file,
                    found == null ? 0 : found.commit(),
                    writer,
                    recovered,
                    unreadable);
        } else if (found == null && recovered == 0) {
            log.info("state-dir: recording connections in {} (new journal)", file);
        } else if (found == null) {
            log.warn(
                    "state-dir: recording connections in {}; it had no {} (written by an older release),"
                            + " so it could not be verified: {} records recovered as they are",
                    file,
                    JournalMark.FILE_NAME,
                    recovered);
        } else {
            log.info(
                    "state-dir: recording connections in {}; verified at commit {}{}: {} records recovered",
                    file,
                    found.commit(),
                    writer,
                    recovered);
        }
    }
}
