package dev.switchboard.server.internal.presence;

import dev.switchboard.core.cluster.ClusterBackplane;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Where presence is counted: in this node's memory, or in the cluster's backplane, so that a
 * user's first join and last leave are seen once whichever nodes their connections are on.
 */
interface PresenceLedger {

    /** The ledger of a single node, or the backplane's in a cluster. */
    static PresenceLedger of(@Nullable ClusterBackplane backplane) {
        return backplane == null ? new LocalPresenceLedger() : new ClusterPresenceLedger(backplane);
    }

    /** Counts connection {@code id} of {@code user} in {@code group}; true when it is the user's first. */
    CompletionStage<Boolean> join(String group, String user, String id);

    /**
     * Stops counting {@code id} in {@code group}, or in every group when null; each group where it
     * was its user's last connection comes back with that user.
     */
    CompletionStage<Map<String, String>> leave(String id, @Nullable String group);

    /** The users counted in {@code group}, each with its connections. */
    CompletionStage<Map<String, Long>> users(String group);

    /** Nodes whose heartbeat stopped and whose connections are still counted until their takeover. */
    CompletionStage<Set<String>> silentNodes();
}
