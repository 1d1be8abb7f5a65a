package dev.switchboard.server.internal.journal;

import dev.switchboard.core.config.ConfigException;
import java.nio.file.Path;

/**
 * The errors that stop a node from starting on its {@code state-dir}: each names the directory and
 * what to do. None of them touches the records, which stay for the next start.
 */
final class JournalFailures {
    private JournalFailures() {}

    static ConfigException inUse(Path dir) {
        return new ConfigException(
                "state-dir: " + dir + " is in use by another process (expected: a directory of this node's own)");
    }

    static ConfigException notWritable(Path dir, Exception cause) {
        return new ConfigException("state-dir: " + dir + " is not writable by this process (" + cause
                + "); make it writable (owner, mode, read-only mount) and start again:"
                + " the connections recorded in it are kept for that start");
    }

    static ConfigException unusable(Path file, Exception cause) {
        return new ConfigException("state-dir: " + file + " cannot be used (" + cause.getMessage()
                + "); fix the cause and start again: the connections recorded in it are kept for that start");
    }
}
