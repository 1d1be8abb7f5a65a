package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.cluster.ClusterBackplane;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.ConnectionId;
import dev.switchboard.core.push.PushCommand;
import dev.switchboard.core.push.PushTarget;
import dev.switchboard.server.internal.metrics.GatewayMetrics;
import dev.switchboard.server.internal.session.SessionMoves;
import dev.switchboard.server.internal.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Sends each push where its targets live. On a single node everything runs here. In a cluster a
 * command for one connection goes to the node its id names and the caller gets that node's real
 * answer (or 503, errNo 5030, when it cannot be reached in time); a group or {@code all} push runs
 * on every live node and the counts are summed; a list of ids is split by node. A multi-node push
 * with a node that did not answer is 503 with the counts of the nodes that did, never a silent
 * success.
 */
final class PushRouter {
    private final LocalPushes local;
    private final @Nullable ClusterBackplane backplane;
    private final String nodeId;
    private final Duration forwardTimeout;
    private final GatewayMetrics metrics;
    private final SessionMoves moves;

    /** The status of a forwarded reply that says the session moved on, to {@code movedTo}. */
    static final int MOVED = 421;

    /** Redirects a forwarded request follows after a reliable session that moved more than once. */
    private static final int MAX_HOPS = 3;

    PushRouter(
            LocalPushes local,
            @Nullable ClusterBackplane backplane,
            String nodeId,
            Duration forwardTimeout,
            GatewayMetrics metrics,
            SessionMoves moves) {
        this.local = local;
        this.backplane = backplane;
        this.nodeId = nodeId;
        this.forwardTimeout = forwardTimeout;
        this.metrics = metrics;
        this.moves = moves;
    }

    /** Names {@code command}'s action and, for one connection, its id on the push's span. */
    static void describe(Span span, PushCommand command) {
        span.setAttribute(
                "switchboard.push.action", command.getClass().getSimpleName().toLowerCase(Locale.ROOT));
        String target = singleTarget(command);
        if (target != null) {
            span.setAttribute("switchboard.connection_id", target);
        }
    }

    /** Runs {@code command} (parsed from {@code body}) here or on the nodes that hold its targets. */
    CompletionStage<PushReply> route(PushCommand command, ObjectNode body) {
        if (backplane == null) {
            return CompletableFuture.completedFuture(runHere(command));
        }
        String single = singleTarget(command);
        if (single != null) {
            // a reliable session may live elsewhere than its id says: here, or where it moved
            String owner = local.holds(single)
                    ? nodeId
                    : moves.movedTo(single)
                            .orElseGet(() -> ConnectionId.nodeOf(single).orElse(nodeId));
            if (owner.equals(nodeId)) {
                PushReply here = runHere(command);
                // a session handed over to another node while this push ran: it follows the session
                Optional<String> moved = here.status() == ErrorCode.CONNECTION_GONE.httpStatus()
                        ? moves.movedTo(single)
                        : Optional.empty();
                return moved.isPresent() && !moved.get().equals(nodeId)
                        ? forward(moved.get(), body)
                        : CompletableFuture.completedFuture(here);
            }
            return forward(owner, body)
                    .thenCompose(reply -> reply.status() == ErrorCode.CONNECTION_GONE.httpStatus()
                            ? toHolder(single, owner, command, body, reply)
                            : CompletableFuture.completedFuture(reply));
        }
        PushTarget target = ((PushCommand.Send) command).target();
        if (target instanceof PushTarget.Connections many) {
            return splitByNode(many, body);
        }
        return everywhere(command, body);
    }

    /**
     * After a 410 from {@code owner}: a reliable session that moved keeps its id, so if its
     * cluster record names another node (its id's node has left the cluster since, and with it
     * the redirect), the command goes there; otherwise the 410 stands.
     */
    private CompletionStage<PushReply> toHolder(
            String id, String owner, PushCommand command, ObjectNode body, PushReply gone) {
        return backplane
                .records(List.of(id))
                .thenCompose(records -> {
                    String holder = records.isEmpty() ? owner : records.get(0).node();
                    if (holder.equals(owner)) {
                        return CompletableFuture.completedFuture(gone);
                    }
                    return holder.equals(nodeId)
                            ? CompletableFuture.completedFuture(runHere(command))
                            : forward(holder, body);
                })
                .exceptionally(error -> gone);
    }

    /** Runs {@code command} on this node only: for requests forwarded by other nodes. */
    PushReply runHere(PushCommand command) {
        try {
            return PushReply.ok(local.execute(command));
        } catch (SwitchboardException e) {
            return PushReply.of(e);
        }
    }

    static @Nullable String singleTarget(PushCommand command) {
        if (command instanceof PushCommand.Send send) {
            return send.target() instanceof PushTarget.Connection one ? one.id() : null;
        }
        if (command instanceof PushCommand.Close close) {
            return close.connectionId();
        }
        if (command instanceof PushCommand.Join join) {
            return join.connectionId();
        }
        if (command instanceof PushCommand.Leave leave) {
            return leave.connectionId();
        }
        return ((PushCommand.Info) command).connectionId();
    }

    /** Forwards a push body to {@code node}; answers with that node's reply or 503/410. */
    CompletionStage<PushReply> forward(String node, ObjectNode body) {
        ObjectNode request = Json.mapper().createObjectNode();
        request.set("push", body);
        String traceparent = Tracing.ENABLED ? Tracing.currentTraceparent() : null;
        if (traceparent != null) {
            // the owning node's span for this hop becomes a child of this push's span
            request.put(Tracing.TRACEPARENT, traceparent);
        }
        return forwardRequest(node, request);
    }

    /** Forwards any cluster request; the outcome and latency count in the cluster metrics. */
    CompletionStage<PushReply> forwardRequest(String node, ObjectNode request) {
        return forwardRequest(node, request, 0);
    }

    /** Forwards, following the redirect of a reliable session that moved to another node. */
    private CompletionStage<PushReply> forwardRequest(String node, ObjectNode request, int hops) {
        return forwardOnce(node, request).thenCompose(reply -> {
            String movedTo = reply.body().path("movedTo").asText("");
            if (reply.status() == MOVED && !movedTo.isEmpty() && hops < MAX_HOPS) {
                return forwardRequest(movedTo, request, hops + 1);
            }
            return CompletableFuture.completedFuture(reply);
        });
    }

    private CompletionStage<PushReply> forwardOnce(String node, ObjectNode request) {
        long started = System.nanoTime();
        return backplane.forward(node, request, forwardTimeout).handle((reply, error) -> {
            if (error == null) {
                metrics.forwarded("ok", System.nanoTime() - started);
                return PushReply.of(reply);
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            SwitchboardException failure = cause instanceof SwitchboardException switchboard
                    ? switchboard
                    : new SwitchboardException(ErrorCode.BACKPLANE_UNAVAILABLE, "cluster forward failed: " + cause);
            metrics.forwarded(
                    failure.code() == ErrorCode.CONNECTION_GONE ? "gone" : "unavailable", System.nanoTime() - started);
            return PushReply.of(failure);
        });
    }

    /**
     * Sends a list push to the nodes that hold its ids. A reliable session keeps its id when it
     * resumes on another node, so an id held neither here nor moved from here goes where its
     * cluster record says; without a record (or without Redis) to the node its id names.
     */
    private CompletionStage<PushReply> splitByNode(PushTarget.Connections many, ObjectNode body) {
        List<String> ids = new ArrayList<>();
        for (String id : new LinkedHashSet<>(many.ids())) {
            if (!many.exclude().contains(id)) {
                ids.add(id);
            }
        }
        List<String> elsewhere = ids.stream()
                .filter(id -> !local.holds(id) && moves.movedTo(id).isEmpty())
                .toList();
        CompletionStage<List<ConnectionRecord>> records =
                elsewhere.isEmpty() ? CompletableFuture.completedFuture(List.of()) : backplane.records(elsewhere);
        return records.handle((found, error) -> {
                    Map<String, String> recorded = new HashMap<>();
                    if (error == null) {
                        found.forEach(record -> recorded.put(record.id(), record.node()));
                    }
                    Map<String, List<String>> byNode = new LinkedHashMap<>();
                    for (String id : ids) {
                        byNode.computeIfAbsent(ownerOf(id, recorded), n -> new ArrayList<>())
                                .add(id);
                    }
                    return byNode;
                })
                .thenCompose(byNode -> sendParts(byNode, body));
    }

    private String ownerOf(String id, Map<String, String> recorded) {
        if (local.holds(id)) {
            return nodeId;
        }
        return moves.movedTo(id)
                .or(() -> Optional.ofNullable(recorded.get(id)))
                .orElseGet(() -> ConnectionId.nodeOf(id).orElse(nodeId));
    }

    private CompletionStage<PushReply> sendParts(Map<String, List<String>> byNode, ObjectNode body) {
        Map<String, CompletionStage<PushReply>> parts = new LinkedHashMap<>();
        byNode.forEach((node, ids) -> {
            ObjectNode part = body.deepCopy();
            ObjectNode websocket = (ObjectNode) part.get("websocket");
            ArrayNode subset = websocket.putArray("secConnectionIDs");
            ids.forEach(subset::add);
            websocket.remove("exclude");
            parts.put(
                    node,
                    node.equals(nodeId)
                            ? CompletableFuture.completedFuture(runHere(parseLocal(part)))
                            : forward(node, part));
        });
        return sum(parts);
    }

    /**
     * Runs a group or {@code all} push here and on every other member. The members come from
     * what this node has seen and what Redis lists now, never from Redis alone: a member Redis
     * forgot is still visited, and one that cannot answer is named in {@code unreachableNodes}.
     * Without Redis, or before this node has joined the cluster, every member this node knows is
     * unreachable, and so is {@code (cluster)}: a node it has never seen may hold members.
     */
    private CompletionStage<PushReply> everywhere(PushCommand command, ObjectNode body) {
        PushReply here = runHere(command);
        return backplane
                .currentMembers()
                .handle((members, error) -> {
                    Map<String, CompletionStage<PushReply>> parts = new LinkedHashMap<>();
                    parts.put(nodeId, CompletableFuture.completedFuture(here));
                    for (String node : error == null ? members : backplane.members()) {
                        if (!node.equals(nodeId)) {
                            parts.put(node, forward(node, body));
                        }
                    }
                    if (error != null) {
                        parts.put(
                                "(cluster)",
                                CompletableFuture.completedFuture(PushReply.of(new SwitchboardException(
                                        ErrorCode.BACKPLANE_UNAVAILABLE,
                                        "cluster backplane unreachable: members this node does not know"
                                                + " were not visited"))));
                    }
                    return parts;
                })
                .thenCompose(PushRouter::sum);
    }

    private static PushCommand parseLocal(ObjectNode body) {
        return dev.switchboard.core.dialect.tencent.TencentPushParser.parse(body);
    }

    /** Adds up per-node answers of a multi-target push. */
    private static CompletionStage<PushReply> sum(Map<String, CompletionStage<PushReply>> parts) {
        List<CompletableFuture<PushReply>> futures = new ArrayList<>();
        parts.values().forEach(part -> futures.add(part.toCompletableFuture()));
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    int delivered = 0;
                    int failed = 0;
                    ArrayNode failures = Json.mapper().createArrayNode();
                    ArrayNode unreachable = Json.mapper().createArrayNode();
                    String firstError = null;
                    int i = 0;
                    List<String> nodes = new ArrayList<>(parts.keySet());
                    for (CompletableFuture<PushReply> future : futures) {
                        PushReply reply = future.join();
                        JsonNode body = reply.body();
                        if (reply.isOk()) {
                            delivered += body.path("delivered").asInt();
                            failed += body.path("failed").asInt();
                            for (JsonNode failure : body.path("failures")) {
                                if (failures.size() < LocalPushes.MAX_LISTED_FAILURES) {
                                    failures.add(failure);
                                }
                            }
                        } else {
                            unreachable.add(nodes.get(i));
                            if (firstError == null) {
                                firstError = body.path("errMsg").asText("node unreachable");
                            }
                        }
                        i++;
                    }
                    ObjectNode body = LocalPushes.ok();
                    body.put("delivered", delivered);
                    body.put("failed", failed);
                    body.set("failures", failures);
                    if (failed > failures.size()) {
                        body.put("failuresTruncated", true);
                    }
                    if (unreachable.isEmpty()) {
                        return PushReply.ok(body);
                    }
                    body.put("errNo", ErrorCode.BACKPLANE_UNAVAILABLE.errNo());
                    body.put("errMsg", "not every node answered: " + firstError);
                    body.set("unreachableNodes", unreachable);
                    return new PushReply(ErrorCode.BACKPLANE_UNAVAILABLE.httpStatus(), body);
                });
    }
}
