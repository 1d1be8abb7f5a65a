package dev.switchboard.server.internal.journal;

import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * Opens the journal and decides whether what it holds can be trusted, on the thread that starts
 * the node (before any listener binds, so none of it runs on an event loop).
 *
 * <p>A journal is trusted when SQLite's {@code quick_check} passes and the database is exactly
 * where its {@linkplain JournalMark mark} says the last commit left it: the same generation, a
 * commit no older, and at the same commit the same number of records. Anything else (a database
 * missing or empty beside its write-ahead log or beside a mark that counts records, a database
 * SQLite calls corrupt, a database behind its mark, an unreadable or missing mark) means records
 * could be lost or stale: the files are moved aside and the node starts with an empty journal.
 */
final class JournalOpener {
    private static final Logger log = LoggerFactory.getLogger(SqliteJournal.class);

    private static final int SCHEMA_VERSION = 1;

    /** An open, verified journal and what opening it found. */
    record Opened(Connection db, JournalMark mark, List<ConnectionRecord> leftovers, RecoveryReport report) {}

    private JournalOpener() {}

    static Opened open(Path dir, String nodeId, MarkFile markFile, Clock clock) {
        Path file = dir.resolve(SqliteJournal.FILE_NAME);
        JournalMark found = null;
        String damage;
        boolean empty;
        try {
            found = markFile.read().orElse(null);
            empty = size(file) <= 0;
            damage = empty ? emptyDamage(file, found) : null;
        } catch (IllegalArgumentException e) {
            empty = false;
            damage = JournalMark.FILE_NAME + " is unreadable (" + e.getMessage()
                    + "), so the database cannot be shown to be current";
        } catch (IOException e) {
            throw JournalFailures.unusable(markFile.path(), e);
        }
        if (damage == null) {
            Connection db = null;
            try {
                db = connect(file);
                damage = empty ? null : verify(db, found);
                if (damage == null) {
                    return trusted(db, file, nodeId, markFile, found);
                }
                closeQuietly(db);
            } catch (SQLException e) {
                closeQuietly(db);
                damage = damage(dir, file, e);
            } catch (IOException e) {
                closeQuietly(db);
                throw JournalFailures.unusable(markFile.path(), e);
            }
        }
        Path movedTo;
        try {
            movedTo = DamagedJournal.moveAside(dir, markFile.path(), clock);
        } catch (IOException e) {
            throw new ConfigException("state-dir: " + file + " cannot be trusted (" + damage
                    + ") and moving it aside failed (" + e + "); move " + SqliteJournal.FILE_NAME
                    + "* out of " + dir + " to start with an empty journal");
        }
        RecoveryReport report = RecoveryReport.damaged(file, found, damage, movedTo);
        Connection db = null;
        try {
            db = connect(file);
            Opened opened = trusted(db, file, nodeId, markFile, null);
            return new Opened(opened.db(), opened.mark(), List.of(), report);
        } catch (SQLException | IOException e) {
            closeQuietly(db);
            throw JournalFailures.unusable(file, e);
        }
    }

    /**
     * Why an empty or missing database cannot be started afresh, or null when it can; decided
     * before SQLite opens it, since SQLite deletes the write-ahead log of an empty database.
     */
    private static @Nullable String emptyDamage(Path file, @Nullable JournalMark found) throws IOException {
        String missing = SqliteJournal.FILE_NAME + (Files.exists(file) ? " is empty" : " is missing");
        long log = size(file.resolveSibling(SqliteJournal.FILE_NAME + "-wal"));
        if (log > 0) {
            return missing + " but its write-ahead log " + SqliteJournal.FILE_NAME + "-wal holds " + log + " bytes";
        }
        if (found != null && found.records() > 0) {
            return missing + " but its last commit (commit " + found.commit() + ") left " + found.records()
                    + " records";
        }
        return null;
    }

    private static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /** Why the open database cannot be trusted, or null when it can (reads only). */
    private static @Nullable String verify(Connection db, @Nullable JournalMark found) throws SQLException {
        db.setAutoCommit(false);
        try (Statement statement = db.createStatement()) {
            List<String> problems = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("PRAGMA quick_check")) {
                while (rows.next()) {
                    problems.add(rows.getString(1));
                }
            }
            if (!problems.equals(List.of("ok"))) {
                return "SQLite's quick_check found " + problems.size() + " problems, the first: " + problems.get(0);
            }
            if (!hasTable(statement, "journal_mark")) {
                // a mark that counts no records is written before its new database's first commit
                return found == null || found.records() == 0
                        ? null
                        : SqliteJournal.FILE_NAME + " has no commit sequence, but " + JournalMark.FILE_NAME
                                + " describes commit " + found.commit() + ": it is not the database the mark describes";
            }
            String generation;
            long commit;
            try (ResultSet row =
                    statement.executeQuery("SELECT generation, commit_seq FROM journal_mark WHERE id = 1")) {
                if (!row.next()) {
                    return SqliteJournal.FILE_NAME + " has an empty commit sequence table";
                }
                generation = row.getString(1);
                commit = row.getLong(2);
            }
            if (found == null) {
                return JournalMark.FILE_NAME + " is missing, so " + SqliteJournal.FILE_NAME + " (at commit " + commit
                        + ") cannot be shown to be current";
            }
            if (!generation.equals(found.generation())) {
                return SqliteJournal.FILE_NAME + " is generation " + generation + " but " + JournalMark.FILE_NAME
                        + " describes generation " + found.generation() + ": the database was replaced";
            }
            if (commit < found.commit()) {
                return SqliteJournal.FILE_NAME + " ends at commit " + commit + " but its last commit was "
                        + found.commit() + ": commits " + (commit + 1) + " to " + found.commit()
                        + " are lost (a damaged or missing write-ahead log, or an older copy of the database)";
            }
            long records = count(statement);
            if (commit == found.commit() && records != found.records()) {
                return SqliteJournal.FILE_NAME + " holds " + records + " records at commit " + commit
                        + " but that commit left " + found.records();
            }
            return null;
        }
    }

    /** Creates what is missing, reads and drops what cannot be decoded, and opens a new commit. */
    private static Opened trusted(
            Connection db, Path file, String nodeId, MarkFile markFile, @Nullable JournalMark found)
            throws SQLException, IOException {
        db.setAutoCommit(false);
        String generation;
        long commit;
        boolean created;
        try (Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS connections"
                    + " (id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID");
            statement.execute(
                    "CREATE TABLE IF NOT EXISTS journal_mark"
                            + " (id INTEGER PRIMARY KEY CHECK (id = 1), generation TEXT NOT NULL, commit_seq INTEGER NOT NULL)");
            created = statement.executeUpdate("INSERT OR IGNORE INTO journal_mark (id, generation, commit_seq)"
                            + " VALUES (1, '" + UUID.randomUUID() + "', 0)")
                    > 0;
            statement.execute("PRAGMA user_version = " + SCHEMA_VERSION);
            try (ResultSet row =
                    statement.executeQuery("SELECT generation, commit_seq FROM journal_mark WHERE id = 1")) {
                row.next();
                generation = row.getString(1);
                commit = row.getLong(2) + 1;
            }
            statement.execute("UPDATE journal_mark SET commit_seq = " + commit + " WHERE id = 1");
        }
        List<String> unreadable = new ArrayList<>();
        List<ConnectionRecord> leftovers = readLeftovers(file, db, unreadable);
        JournalMark mark = new JournalMark(nodeId, generation, commit, leftovers.size());
        // a new database's mark goes first: a crash in between leaves a mark without a commit
        // sequence in the database, accepted when it counts no records, rather than a database
        // with a commit and no mark, which cannot be told from a copy restored without its mark
        if (created) {
            markFile.writeSynced(mark);
        }
        db.commit();
        if (!created) {
            markFile.writeSynced(mark);
        }
        return new Opened(
                db, mark, leftovers, RecoveryReport.trusted(file, found, leftovers.size(), unreadable.size()));
    }

    private static List<ConnectionRecord> readLeftovers(Path file, Connection db, List<String> unreadable)
            throws SQLException {
        List<ConnectionRecord> leftovers = new ArrayList<>();
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

    private static boolean hasTable(Statement statement, String name) throws SQLException {
        try (ResultSet row = statement.executeQuery(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '" + name + "'")) {
            return row.next() && row.getLong(1) > 0;
        }
    }

    private static long count(Statement statement) throws SQLException {
        if (!hasTable(statement, "connections")) {
            return 0;
        }
        try (ResultSet row = statement.executeQuery("SELECT count(*) FROM connections")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** A damage SQLite reported, or the error that stops the start (the records stay). */
    private static String damage(Path dir, Path file, SQLException e) {
        int code = e.getErrorCode() & 0xff;
        if (code == SQLiteErrorCode.SQLITE_CORRUPT.code || code == SQLiteErrorCode.SQLITE_NOTADB.code) {
            return "SQLite reports " + e.getMessage();
        }
        if (code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_LOCKED.code) {
            throw JournalFailures.inUse(dir);
        }
        throw JournalFailures.unusable(file, e);
    }

    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(0);
        try {
            return config.createConnection("jdbc:sqlite:" + file);
        } catch (LinkageError e) {
            throw new ConfigException(
                    "state-dir: SQLite cannot run on this platform (" + e + "); remove state-dir to run without it");
        }
    }

    static void closeQuietly(@Nullable Connection db) {
        if (db == null) {
            return;
        }
        try {
            db.close();
        } catch (SQLException e) {
            log.warn(
                    "state-dir: closing the journal failed ({}); the next start reads its last commit", e.getMessage());
        }
    }
}
