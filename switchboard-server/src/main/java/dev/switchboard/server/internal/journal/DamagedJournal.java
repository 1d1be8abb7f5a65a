package dev.switchboard.server.internal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Moves a journal that cannot be trusted out of the way: the database, its write-ahead log and
 * shared-memory files, and a copy of the mark go to {@code damaged-<UTC time>/} inside
 * {@code state-dir}, where an operator can read them with the {@code sqlite3} shell. The mark
 * itself stays (it holds the lock) and is rewritten for the new database.
 */
final class DamagedJournal {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String[] MOVED = {"", "-wal", "-shm", "-journal"};

    private DamagedJournal() {}

    /** Moves the files; returns the directory they are now in. */
    static Path moveAside(Path dir, Path mark, Clock clock) throws IOException {
        String name = "damaged-" + STAMP.format(clock.instant());
        Path target = dir.resolve(name);
        for (int n = 2; Files.exists(target); n++) {
            target = dir.resolve(name + "-" + n);
        }
        Files.createDirectory(target);
        for (String suffix : MOVED) {
            Path file = dir.resolve(SqliteJournal.FILE_NAME + suffix);
            if (Files.exists(file)) {
                Files.move(file, target.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        if (Files.size(mark) > 0) {
            Files.copy(mark, target.resolve(mark.getFileName()));
        }
        return target;
    }
}
