package dev.switchboard.server.internal.presence;

import dev.switchboard.core.cluster.ClusterBackplane;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** Presence counted in the cluster's backplane. */
final class ClusterPresenceLedger implements PresenceLedger {
    private final ClusterBackplane backplane;

    ClusterPresenceLedger(ClusterBackplane backplane) {
        this.backplane = backplane;
    }

    @Override
    public CompletionStage<Boolean> join(String group, String user, String id) {
        return backplane.presenceJoin(group, user, id);
    }

    @Override
    public CompletionStage<Map<String, String>> leave(String id, @Nullable String group) {
        return backplane.presenceLeave(id, group);
    }

    @Override
    public CompletionStage<Map<String, Long>> users(String group) {
        return backplane.presence(group);
    }

    @Override
    public CompletionStage<Set<String>> silentNodes() {
        return backplane.silentMembers();
    }
}
