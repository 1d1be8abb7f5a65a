package dev.switchboard.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ClusterMember;
import dev.switchboard.core.cluster.ClusterUnavailableException;
import dev.switchboard.core.cluster.ForwardReply;
import dev.switchboard.core.json.Json;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request and reply between nodes over Redis pub/sub: each node listens on its inbox channel for
 * forwarded requests and on its reply channel for answers to its own. A request that gets no
 * answer within its timeout fails with {@link ClusterUnavailableException}: never a silent success.
 */
final class Forwarder {
    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    private final RedisLink link;
    private final ScheduledExecutorService scheduler;
    private final Map<String, CompletableFuture<ForwardReply>> pending = new ConcurrentHashMap<>();
    private volatile @Nullable ClusterMember member;
    private volatile CompletableFuture<?> subscribed = new CompletableFuture<>();
    private final RecentIds handled = new RecentIds(RECENT_REQUESTS);

    /**
     * How many handled request ids are remembered. Lettuce works at least once: a PUBLISH written
     * just before its connection broke is written again after the reconnection, so a request can
     * arrive twice, and a push must not run twice. A repeat comes within a reconnection, long
     * before this many other requests.
     */
    static final int RECENT_REQUESTS = 16_384;

    Forwarder(RedisLink link, ScheduledExecutorService scheduler) {
        this.link = link;
        this.scheduler = scheduler;
    }

    void start(ClusterMember self) {
        this.member = self;
        String inbox = RedisKeys.inbox(self.nodeId());
        String replies = RedisKeys.replies(self.nodeId());
        link.onConnect(pubsub -> {
            pubsub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    if (channel.equals(inbox)) {
                        onRequest(message);
                    } else if (channel.equals(replies)) {
                        onReply(message);
                    }
                }
            });
            subscribed = pubsub.async().subscribe(inbox, replies).toCompletableFuture();
        });
    }

    /** Completes once this node's inbox and reply channels are subscribed on the current client. */
    CompletableFuture<?> subscribed() {
        return subscribed;
    }

    CompletionStage<ForwardReply> send(String node, ObjectNode request, Duration timeout) {
        ClusterMember self = member;
        if (self == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not started"));
        }
        String id = UUID.randomUUID().toString();
        CompletableFuture<ForwardReply> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode envelope = Json.mapper().createObjectNode();
        envelope.put("rid", id);
        envelope.put("from", self.nodeId());
        envelope.set("request", request);
        link.commands().publish(RedisKeys.inbox(node), envelope.toString()).whenComplete((receivers, error) -> {
            if (error != null) {
                fail(id, "cannot publish to node " + node + ": " + error.getMessage());
            }
        });
        scheduler.schedule(
                () -> fail(id, "node " + node + " did not answer within " + timeout.toMillis() + " ms"),
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        return reply;
    }

    private void fail(String id, String why) {
        CompletableFuture<ForwardReply> reply = pending.remove(id);
        if (reply != null) {
            reply.completeExceptionally(new ClusterUnavailableException(why));
        }
    }

    private void onRequest(String message) {
        ClusterMember self = member;
        if (self == null) {
            return;
        }
        ObjectNode envelope;
        try {
            envelope = (ObjectNode) Json.mapper().readTree(message);
        } catch (IOException | ClassCastException e) {
            log.warn("cluster: ignoring a malformed forwarded request: {}", e.toString());
            return;
        }
        if (!handled.add(envelope.path("rid").asText())) {
            log.debug(
                    "cluster: ignoring request {} delivered again",
                    envelope.path("rid").asText());
            return;
        }
        CompletionStage<ForwardReply> answer;
        try {
            JsonNode request = envelope.get("request");
            answer = self.handleForwardedAsync(
                    request instanceof ObjectNode object
                            ? object
                            : Json.mapper().createObjectNode());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((reply, error) -> reply(envelope, reply, error));
    }

    private void reply(ObjectNode envelope, @Nullable ForwardReply answer, @Nullable Throwable error) {
        if (error != null || answer == null) {
            log.error("cluster: forwarded request failed", error);
            ObjectNode body = Json.mapper()
                    .createObjectNode()
                    .put("errNo", 5000)
                    .put("errMsg", "internal error on the owning node");
            answer = new ForwardReply(500, body);
        }
        ObjectNode reply = Json.mapper().createObjectNode();
        reply.put("rid", envelope.path("rid").asText());
        reply.put("status", answer.status());
        reply.set("body", answer.body());
        link.commands().publish(RedisKeys.replies(envelope.path("from").asText()), reply.toString());
    }

    private void onReply(String message) {
        try {
            JsonNode reply = Json.mapper().readTree(message);
            CompletableFuture<ForwardReply> waiting =
                    pending.remove(reply.path("rid").asText());
            if (waiting != null) {
                JsonNode body = reply.get("body");
                waiting.complete(new ForwardReply(
                        reply.path("status").asInt(500),
                        body instanceof ObjectNode object
                                ? object
                                : Json.mapper().createObjectNode()));
            }
        } catch (IOException e) {
            log.warn("cluster: ignoring a malformed reply: {}", e.toString());
        }
    }

    void close() {
        pending.keySet().forEach(id -> fail(id, "the node is stopping"));
    }
}
