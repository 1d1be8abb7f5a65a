package dev.switchboard.core.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
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
     * Invokes the cleanup of a connection whose node was lost ({@code closedBy: node-lost}); the
     * stage completes when the cleanup is delivered or given up.
     */
    CompletionStage<Void> cleanupLost(ConnectionRecord record);

    /** A connection and its groups. */
    record Membership(ConnectionRecord record, Collection<String> groups) {}
}
