package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.cluster.ForwardReply;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.dialect.tencent.TencentPushParser;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.push.PushCommand;
import dev.switchboard.server.internal.client.ClientServices;
import dev.switchboard.server.internal.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The push side of a node, built once: local execution, routing across the cluster, the admin
 * API, and the handling of requests other nodes forward here.
 */
public final class PushServices {
    final LocalPushes local;
    final PushRouter router;
    final AdminApi admin;
    final AwsConnectionsApi aws;
    private final ClientServices services;

    public PushServices(ClientServices services, PushConfig pushConfig, Duration forwardTimeout) {
        this.services = services;
        this.local = new LocalPushes(services.registry(), services.groups(), services.moves());
        this.router = new PushRouter(
                local, services.backplane(), services.nodeId(), forwardTimeout, services.metrics(), services.moves());
        this.admin = new AdminApi(
                services.registry(),
                services.groups(),
                services.backplane(),
                router,
                services.nodeId(),
                new PresenceApi(services.presence(), services.routes().values()));
        this.aws = new AwsConnectionsApi(
                pushConfig,
                services.registry(),
                services.metrics(),
                Clock.systemUTC(),
                services.backplane() == null ? null : router,
                services.nodeId());
    }

    /**
     * Answers a request another node forwarded: {@code {"push": <push body>}} runs the push on
     * this node's connections only; {@code {"admin-close": id}} closes a connection for an admin;
     * {@code {"aws-connections": {…}}} is an {@code @connections} call for a connection here.
     */
    public ForwardReply handleForwarded(ObjectNode request) {
        if (!Tracing.ENABLED || !request.has("push")) {
            return answerForwarded(request);
        }
        Span span = Tracing.startContinuing(
                "switchboard.push.forwarded",
                SpanKind.SERVER,
                request.path(Tracing.TRACEPARENT).asText(null));
        try (Scope traced = Tracing.enter(span)) {
            ForwardReply reply = answerForwarded(request);
            span.setAttribute("http.response.status_code", reply.status());
            return reply;
        } finally {
            span.end();
        }
    }

    private ForwardReply answerForwarded(ObjectNode request) {
        try {
            JsonNode push = request.get("push");
            if (push instanceof ObjectNode body) {
                PushCommand command = TencentPushParser.parse(body);
                String single = PushRouter.singleTarget(command);
                PushReply reply =
                        single != null && services.registry().find(single).isEmpty() ? null : router.runHere(command);
                if (single != null && (reply == null || reply.status() == ErrorCode.CONNECTION_GONE.httpStatus())) {
                    Optional<String> moved = services.moves().movedTo(single);
                    if (moved.isPresent()) {
                        // a reliable session that moved on (maybe while this push ran): the
                        // asking node forwards there
                        ObjectNode redirect = Json.mapper().createObjectNode().put("movedTo", moved.get());
                        return new ForwardReply(PushRouter.MOVED, redirect);
                    }
                }
                return (reply != null ? reply : router.runHere(command)).toForwardReply();
            }
            JsonNode aws = request.get("aws-connections");
            if (aws != null && aws.isObject()) {
                return this.aws.answerForwarded(aws);
            }
            JsonNode close = request.get("admin-close");
            if (close != null && close.isTextual()) {
                return admin.closeHere(close.asText()).toForwardReply();
            }
            throw new SwitchboardException(ErrorCode.INVALID_FIELD, "unknown cluster request " + request);
        } catch (SwitchboardException e) {
            return PushReply.of(e).toForwardReply();
        }
    }
}
