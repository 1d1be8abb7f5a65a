package dev.switchboard.server.internal.journal;

import dev.switchboard.core.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The open {@value JournalMark#FILE_NAME}: locked for as long as the node runs, so that a second
 * process pointed at the same {@code state-dir} is refused before it reads anything, and
 * rewritten in place after every commit.
 *
 * <p>A rewrite after a commit is not synced: it costs one {@code pwrite}, survives a killed
 * process, and after a power loss can only be older than the database, never newer. The mark
 * written when the journal opens is synced.
 */
final class MarkFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;

    private MarkFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Opens (or creates) the mark in {@code dir} and locks it.
     *
     * @throws ConfigException when another process holds it, or it cannot be opened for writing
     */
    static MarkFile lock(Path dir) {
        Path path = dir.resolve(JournalMark.FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(
                    path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw JournalFailures.notWritable(dir, e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw JournalFailures.inUse(dir);
            }
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw JournalFailures.inUse(dir);
        } catch (IOException e) {
            closeQuietly(channel);
            throw JournalFailures.notWritable(dir, e);
        } catch (ConfigException e) {
            closeQuietly(channel);
            throw e;
        }
        return new MarkFile(path, channel);
    }

    Path path() {
        return path;
    }

    /**
     * The mark as found; empty when the file is new or empty.
     *
     * @throws IllegalArgumentException when the file holds something that is not a whole mark
     */
    Optional<JournalMark> read() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return Optional.empty();
        }
        if (size != JournalMark.SIZE) {
            throw new IllegalArgumentException(size + " bytes (expected: " + JournalMark.SIZE + ")");
        }
        ByteBuffer bytes = ByteBuffer.allocate(JournalMark.SIZE);
        while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) >= 0) {
            // a regular file reads whole; the loop only guards against short reads
        }
        return Optional.of(JournalMark.decode(bytes.array()));
    }

    /** Rewrites the mark after a commit (not synced). */
    void write(JournalMark mark) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(mark.encode());
        while (bytes.hasRemaining()) {
            channel.write(bytes, bytes.position());
        }
    }

    /** Rewrites the mark and waits for the disk (when the journal opens). */
    void writeSynced(JournalMark mark) throws IOException {
        write(mark);
        channel.truncate(JournalMark.SIZE);
        channel.force(true);
        // the file may be new: its directory entry must reach the disk too
        try (FileChannel dir = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /** Releases the lock and the file. */
    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}
