package dev.switchboard.server.internal.lifecycle;

import dev.switchboard.core.cluster.ConnectionRecord;
import java.util.List;

/** {@link ConnectionJournal#none()}: nothing is recorded, nothing is left over. */
enum NoConnectionJournal implements ConnectionJournal {
    INSTANCE;

    @Override
    public void opened(ConnectionRecord record) {}

    @Override
    public void finished(String connectionId) {}

    @Override
    public List<ConnectionRecord> leftovers() {
        return List.of();
    }

    @Override
    public void close() {}
}
