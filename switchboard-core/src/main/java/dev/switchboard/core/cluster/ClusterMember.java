package dev.switchboard.core.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The node's side of the cluster SPI: what the backplane calls back into. Thread-safe. */
public interface ClusterMember {

    /** This node's id. */
    String nodeId();

    /**
     * Carries out a request another node forwarded (a push body, or an internal command) against
     * this node's own connections only, and answers as its push API would.
     */
    ForwardReply handleForwarded(ObjectNode request);

    /**
     * Carries out a forwarded request that may take time (a reliable session handed over to
     * another node waits for its transfer queue); by default {@link #handleForwarded}.
     */
    default CompletionStage<ForwardReply> handleForwardedAsync(ObjectNode request) {
        return java.util.concurrent.CompletableFuture.completedFuture(handleForwarded(request));
    }

    /** Every connection open on this node, with its groups: re-registered after a backplane outage. */
    Collection<Membership> liveConnections();

    /**
     * Whether connection {@code id} (a reliable session) moved from this node to another one that
     * holds it now: such an id may still be listed under this node in a backplane that restarted
     * from an old snapshot, and its records are the other node's. Default: no moves.
     */
    default boolean movedAway(String id) {
        return false;
    }

    /**
     * The connections a previous run of this node recorded on its own disk ({@code state-dir})
     * whose cleanup was never delivered: this node's own record of what it opened, which a
     * backplane that lost its data cannot take away. Read once at start; default none.
     */
    default Collection<ConnectionRecord> previousRun() {
        return List.of();
    }

    /**
     * A connection of {@link #previousRun()} whose cleanup another node already invoked when it
     * took this node over: forgets it without invoking it again. Default: nothing to forget.
     */
    default void cleanedUpElsewhere(String id) {}

    /**
     * Invokes the cleanup of a connection whose node was lost ({@code closedBy: node-lost}); the
     * stage completes when the cleanup is delivered or given up. A connection of this node's own
     * {@link #previousRun()} is forgotten from it once its cleanup is delivered or given up.
     */
    CompletionStage<Void> cleanupLost(ConnectionRecord record);

    /**
     * Every live connection of this node that is counted in presence, with its user and the groups
     * it is counted in: written again, without announcing anything, after a backplane outage.
     * Default: none.
     */
    default Collection<Counted> presenceCounted() {
        return List.of();
    }

    /** A connection and its groups. */
    record Membership(ConnectionRecord record, Collection<String> groups) {}

    /** A connection counted in the presence of {@code groups} as {@code userId}'s. */
    record Counted(String connectionId, String userId, Collection<String> groups) {}
}
