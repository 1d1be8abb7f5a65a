package dev.switchboard.server.internal.lifecycle;

import dev.switchboard.core.cluster.ConnectionRecord;
import java.util.List;

/**
 * Where a node records the connections it accepted, so that the cleanups they are owed survive
 * the process. A record is written when a connection opens and removed when its cleanup has been
 * delivered or given up; whatever is left at the next start belongs to connections the previous
 * run never finished. Both writes are called on event loops and never block: an implementation
 * hands them to a thread of its own.
 */
public interface ConnectionJournal extends AutoCloseable {

    /** A journal that records nothing: connections live in memory only (no {@code state-dir}). */
    static ConnectionJournal none() {
        return NoConnectionJournal.INSTANCE;
    }

    /** Records an open connection. Never blocks; may drop the record when the writer is behind. */
    void opened(ConnectionRecord record);

    /** Forgets a connection whose cleanup was delivered or given up. Never blocks. */
    void finished(String connectionId);

    /** The records a previous run left behind, read when the journal was opened. */
    List<ConnectionRecord> leftovers();

    /** Writes what is queued and releases the store; later calls are ignored. */
    @Override
    void close();
}
