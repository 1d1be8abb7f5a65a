package dev.switchboard.core.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The shared state of a cluster and the way its nodes reach each other. Writes are asynchronous
 * and never block the caller; while the backplane is unreachable they are dropped and the
 * backplane re-registers the member's live connections once it is back ({@link
 * ClusterMember#liveConnections()}).
 */
public interface ClusterBackplane extends AutoCloseable {

    /**
     * Joins the cluster: heartbeats, the inbox for forwarded requests, node-loss detection. The
     * stage completes once this node is registered (its inbox listens and other nodes can find
     * it); it keeps trying for as long as the backplane is unreachable.
     */
    CompletionStage<Void> start(ClusterMember member);

    /**
     * True while this node is registered in a reachable backplane together with every connection,
     * membership and session it holds; false while unreachable and while it writes them again
     * after an outage.
     */
    boolean available();

    /** A connection opened on this node. */
    void opened(ConnectionRecord record);

    /**
     * Writes the record of a connection about to open on this node, and its groups, and completes
     * once the backplane holds them (or at once while it is unreachable: its next resync writes
     * them), so the client's handshake can wait for it. The {@link #opened} and {@link #joined}
     * calls that follow for the same connection and groups need write nothing more. Never
     * completes exceptionally. Default: nothing here, {@link #opened} and {@link #joined} write.
     */
    default CompletionStage<Void> register(ConnectionRecord record, Collection<String> groups) {
        return CompletableFuture.completedFuture(null);
    }

    /** A connection of this node ended; its record and memberships are removed. */
    void closed(String connectionId, String route, Set<String> groups);

    /**
     * A connection of this node (a reliable session) moved to another node, which registers it
     * there: this node stops answering for it, so its loss does not clean the connection up.
     * Ordered before any later request or reply this node sends. Default: nothing to do.
     */
    default void movedAway(String connectionId) {}

    /** A connection of this node joined a group. */
    void joined(String connectionId, String group);

    /** A connection of this node left a group. */
    void left(String connectionId, String group);

    /**
     * Sends {@code request} to {@code node} and returns its reply. Completes exceptionally with
     * {@link ClusterUnavailableException} when the backplane is unreachable or the node does not
     * answer within {@code timeout}, and with {@link NodeGoneException} when the node is not part
     * of the cluster any more.
     */
    CompletionStage<ForwardReply> forward(String node, ObjectNode request, Duration timeout);

    /**
     * The members of the cluster as this node knows them (this one included): every node it has
     * seen registered and not seen declared lost (by a takeover) or leave since. Never taken from
     * state the backplane can lose, so a backplane that restarts empty hides no live node.
     */
    Set<String> members();

    /**
     * {@link #members()} together with the nodes registered in the backplane right now (a node
     * that has just started may not be known here yet): the nodes a group or {@code all} push
     * must visit. Fails with {@link ClusterUnavailableException} when the backplane cannot be read,
     * and before this node has joined the cluster: until then it may not know every member.
     */
    CompletionStage<Set<String>> currentMembers();

    /** Connection ids known to the cluster, optionally only those of a route or a group. */
    CompletionStage<Set<String>> connectionIds(String route, String group);

    /** The records of {@code ids} (missing ones are left out). */
    CompletionStage<List<ConnectionRecord>> records(List<String> ids);

    /** The groups of {@code ids}. */
    CompletionStage<Map<String, Set<String>>> groupsOf(List<String> ids);

    /** Every group with its size. */
    CompletionStage<Map<String, Long>> groups();

    /**
     * Counts connection {@code connectionId} of {@code userId} in {@code group}'s presence; completes
     * with true when it is the user's first connection in the group on any node. Counting the same
     * connection again changes nothing (false). Default: presence is not supported.
     */
    default CompletionStage<Boolean> presenceJoin(String group, String userId, String connectionId) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("presence"));
    }

    /**
     * Stops counting connection {@code connectionId} in the presence of {@code group}, or of every
     * group it is counted in when {@code group} is null; completes with the groups in which it was
     * its user's last connection, each with that user. Counting stops once per connection and
     * group: a second call finds nothing. Default: presence is not supported.
     */
    default CompletionStage<Map<String, String>> presenceLeave(String connectionId, @Nullable String group) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("presence"));
    }

    /** The users counted in {@code group}'s presence, each with its connections on every node. */
    default CompletionStage<Map<String, Long>> presence(String group) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("presence"));
    }

    /**
     * The members whose heartbeat has stopped and that no survivor has taken over yet: their
     * connections are still counted until the takeover cleans them up. Default: none.
     */
    default CompletionStage<Set<String>> silentMembers() {
        return CompletableFuture.completedFuture(Set.of());
    }

    /** Stops heartbeating (a graceful stop has cleaned up its own connections already). */
    @Override
    void close();
}
