package dev.switchboard.server.internal.journal;

import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.server.internal.lifecycle.ConnectionJournal;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

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
 * <p>The database is opened in exclusive locking mode: a second node pointed at the same
 * directory fails to start instead of invoking the first one's cleanups.
 */
public final class SqliteJournal implements ConnectionJournal {
    private static final Logger log = LoggerFactory.getLogger(SqliteJournal.class);

    /** The database's file inside {@code state-dir}. */
    public static final String FILE_NAME = "connections.db";

    /** Records waiting for the writer, at most; past it new connections go unrecorded. */
    public static final int QUEUE_CAPACITY = 65_536;

    private static final int SCHEMA_VERSION = 1;
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Path file;
    private final Connection db;
    private final JournalWriter writer;
    private final List<ConnectionRecord> leftovers;
    private volatile long lastDropLogNanos = System.nanoTime() - DROP_LOG_INTERVAL_NANOS;
    private boolean closed;

    private SqliteJournal(Path file, Connection db, JournalWriter writer, List<ConnectionRecord> leftovers) {
        this.file = file;
        this.db = db;
        this.writer = writer;
        this.leftovers = List.copyOf(leftovers);
    }

    /**
     * Opens (or creates) the journal in {@code dir}, reads what a previous run left in it and
     * starts the writer thread.
     *
     * @throws ConfigException when the directory cannot be created, another process uses it, or
     *     the database cannot be read
     */
    public static SqliteJournal open(Path dir, MeterRegistry meters) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException("state-dir: cannot create " + dir + " (" + e + ")");
        }
        Path file = dir.resolve(FILE_NAME);
        Connection db = connect(dir, file);
        try {
            db.setAutoCommit(false);
            try (Statement statement = db.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS connections"
                        + " (id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID");
                // a write: takes the exclusive lock, held until close
                statement.execute("PRAGMA user_version = " + SCHEMA_VERSION);
            }
            List<ConnectionRecord> leftovers = readLeftovers(file, db);
            db.commit();
            JournalWriter writer = new JournalWriter(db, leftovers.size(), QUEUE_CAPACITY, meters);
            writer.start();
            log.info("state-dir: recording connections in {}", file);
            return new SqliteJournal(file, db, writer, leftovers);
        } catch (SQLException e) {
            closeQuietly(db);
            throw failure(dir, file, e);
        }
    }

    private static Connection connect(Path dir, Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(0);
        try {
            return config.createConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw failure(dir, file, e);
        } catch (LinkageError e) {
            throw new ConfigException(
                    "state-dir: SQLite cannot run on this platform (" + e + "); remove state-dir to run without it");
        }
    }

    private static ConfigException failure(Path dir, Path file, SQLException e) {
        if (e.getErrorCode() == SQLiteErrorCode.SQLITE_BUSY.code
                || e.getErrorCode() == SQLiteErrorCode.SQLITE_LOCKED.code) {
            return new ConfigException(
                    "state-dir: " + dir + " is in use by another process (expected: a directory of this node's own)");
        }
        return new ConfigException("state-dir: " + file + " cannot be used (" + e.getMessage()
                + "); move it away to start without the connections it records");
    }

    private static List<ConnectionRecord> readLeftovers(Path file, Connection db) throws SQLException {
        List<ConnectionRecord> leftovers = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, record FROM connections")) {
            while (rows.next()) {
                try {
                    leftovers.add(RecordCodec.decode(rows.getString(2)));
                } catch (IllegalArgumentException e) {
                    log.error(
                            "state-dir: record {} in {} is unreadable ({}); dropped",
                            rows.getString(1),
                            file,
                            e.getMessage());
                    unreadable.add(rows.getString(1));
                }
            }
        }
        try (PreparedStatement delete = db.prepareStatement("DELETE FROM connections WHERE id = ?")) {
            for (String id : unreadable) {
                delete.setString(1, id);
                delete.executeUpdate();
            }
        }
        return leftovers;
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
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        closeQuietly(db);
    }

    private static void closeQuietly(Connection db) {
        try {
            db.close();
        } catch (SQLException e) {
            log.warn(
                    "state-dir: closing the journal failed ({}); the next start reads its last commit", e.getMessage());
        }
    }
}
