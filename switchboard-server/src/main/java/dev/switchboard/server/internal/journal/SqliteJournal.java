package dev.switchboard.server.internal.journal;

import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.server.internal.lifecycle.ConnectionJournal;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code state-dir} journal: {@value #FILE_NAME}, an SQLite database with one table from
 * connection id to the connection's record (id, route, source IP, user agent, subprotocol,
 * context, connection time, as JSON; see {@link RecordCodec}).
 *
 * <p>Why SQLite: its transactions survive a killed process and a power loss (write-ahead log with
 * {@code synchronous=FULL}: a commit returns after its {@code fsync}, and a torn log tail is
 * rolled back on open), its file stays the size of what it holds (the log is checkpointed into it
 * every 1,000 pages), and it is among the most tested and most deployed storage engines. The
 * xerial driver bundles the native library for Linux, macOS and Windows. H2's MVStore was tried
 * first and rejected: killed right after a commit, it reopened at an older version unless freed
 * space is kept for its retention time (45 s), and then its file grew by about 17 KiB per commit.
 *
 * <p>What opening it finds is verified before anything is recovered (see {@link JournalOpener}):
 * a journal that cannot be shown to hold exactly its last commit is moved aside and reported,
 * never used, so that no cleanup is invoked from records that may be stale.
 *
 * <p>The directory is locked ({@value JournalMark#FILE_NAME}) and the database opened in exclusive
 * locking mode: a second node pointed at the same directory fails to start instead of invoking
 * the first one's cleanups.
 */
public final class SqliteJournal implements ConnectionJournal {
    private static final Logger log = LoggerFactory.getLogger(SqliteJournal.class);

    /** The database's file inside {@code state-dir}. */
    public static final String FILE_NAME = "connections.db";

    /** Records waiting for the writer, at most; past it new connections go unrecorded. */
    public static final int QUEUE_CAPACITY = 65_536;

    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Path file;
    private final Connection db;
    private final MarkFile mark;
    private final JournalWriter writer;
    private final List<ConnectionRecord> leftovers;
    private volatile long lastDropLogNanos = System.nanoTime() - DROP_LOG_INTERVAL_NANOS;
    private boolean closed;

    private SqliteJournal(
            Path file, Connection db, MarkFile mark, JournalWriter writer, List<ConnectionRecord> leftovers) {
        this.file = file;
        this.db = db;
        this.mark = mark;
        this.writer = writer;
        this.leftovers = List.copyOf(leftovers);
    }

    /**
     * Opens (or creates) the journal in {@code dir}, verifies and reads what a previous run left in
     * it, reports that (a log line and the {@code switchboard_journal_recovered_records},
     * {@code _lost_records} and {@code _damaged} gauges) and starts the writer thread.
     *
     * @param nodeId this node's id, kept in the mark so that the report can name another writer
     * @throws ConfigException when the directory cannot be created or written, another process
     *     uses it, or the database cannot be read for a reason other than damage
     */
    public static SqliteJournal open(Path dir, String nodeId, MeterRegistry meters) {
        return open(dir, nodeId, meters, Clock.systemUTC());
    }

    static SqliteJournal open(Path dir, String nodeId, MeterRegistry meters, Clock clock) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException("state-dir: cannot create " + dir + " (" + e + ")");
        }
        if (!Files.isWritable(dir)) {
            throw JournalFailures.notWritable(dir, new AccessDeniedException(dir.toString()));
        }
        MarkFile mark = MarkFile.lock(dir);
        try {
            JournalOpener.Opened opened = JournalOpener.open(dir, nodeId, mark, clock);
            opened.report().log(nodeId);
            opened.report().register(meters);
            JournalWriter writer = new JournalWriter(opened.db(), mark, opened.mark(), QUEUE_CAPACITY, meters);
            writer.start();
            return new SqliteJournal(opened.report().file(), opened.db(), mark, writer, opened.leftovers());
        } catch (SQLException e) {
            mark.close();
            throw JournalFailures.unusable(dir.resolve(FILE_NAME), e);
        } catch (RuntimeException e) {
            mark.close();
            throw e;
        }
    }

    @Override
    public void opened(ConnectionRecord record) {
        if (!writer.open(record)) {
            long now = System.nanoTime();
            if (now - lastDropLogNanos >= DROP_LOG_INTERVAL_NANOS) {
                lastDropLogNanos = now;
                log.warn(
                        "state-dir: journal queue full ({} records waiting) or journal stopped;"
                                + " connection {} is not recorded and would get no cleanup after a crash"
                                + " (see switchboard_journal_dropped_total)",
                        QUEUE_CAPACITY,
                        record.id());
            }
        }
    }

    @Override
    public void finished(String connectionId) {
        writer.finish(connectionId);
    }

    @Override
    public List<ConnectionRecord> leftovers() {
        return leftovers;
    }

    /** Commits what is queued (waiting up to 10 s for the disk) and closes the database. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!writer.stop(Duration.ofSeconds(10))) {
                log.warn("state-dir: the journal writer did not finish within 10 s; {} keeps its last commit", file);
                mark.close();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mark.close();
            return;
        }
        JournalOpener.closeQuietly(db);
        mark.close();
    }
}
