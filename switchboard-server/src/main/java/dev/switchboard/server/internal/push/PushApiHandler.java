package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.cluster.ClusterBackplane;
import dev.switchboard.core.dialect.tencent.TencentPushParser;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.push.PushCommand;
import dev.switchboard.server.internal.JsonResponses;
import dev.switchboard.server.internal.RequestUris;
import dev.switchboard.server.internal.metrics.GatewayMetrics;
import dev.switchboard.server.internal.tracing.Tracing;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests on the push listener: {@code POST /push}, the admin endpoints under
 * {@code /connections}, {@code /groups} and {@code /users}, {@code /metrics}, {@code /stats}, the
 * {@code /dashboard} page and the probes {@code /healthz} and {@code /readyz}. Answers are JSON
 * unless the endpoint says otherwise; every error is {@code {"errNo", "errMsg"}} with its error
 * code's status. Each request counts in {@code switchboard_push_requests_total{action, outcome}}.
 */
@Sharable
final class PushApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(PushApiHandler.class);
    private static final String CONNECTIONS = "/connections";
    private static final String GROUPS = "/groups";
    private static final String USERS = "/users/";
    private static final String PRESENCE = "/presence";

    private final PushRouter router;
    private final AdminApi admin;
    private final Observability observability;
    private final GatewayMetrics metrics;
    private final AtomicBoolean draining;
    private final @Nullable ClusterBackplane backplane;

    PushApiHandler(
            PushRouter router,
            AdminApi admin,
            Observability observability,
            GatewayMetrics metrics,
            AtomicBoolean draining,
            @Nullable ClusterBackplane backplane) {
        this.router = router;
        this.backplane = backplane;
        this.admin = admin;
        this.observability = observability;
        this.metrics = metrics;
        this.draining = draining;
    }

    /** One request being answered: the action label is known once the request is understood. */
    private static final class Exchange {
        final FullHttpRequest request;
        final QueryStringDecoder uri;
        private final String path;
        private final @Nullable String malformedUri;
        String action = "unknown";

        @Nullable
        String outcome;

        Exchange(FullHttpRequest request) {
            this.request = request;
            this.uri = new QueryStringDecoder(request.uri());
            String decoded;
            String problem = null;
            try {
                decoded = RequestUris.checkedPath(uri);
            } catch (IllegalArgumentException e) {
                decoded = uri.rawPath();
                problem = e.getMessage();
            }
            this.path = decoded;
            this.malformedUri = problem;
        }

        /** The decoded path; the raw one when it is not valid percent-encoding (for the log). */
        String path() {
            return path;
        }

        /** Refuses a request URI that is not valid percent-encoding. */
        void requireWellFormedUri() {
            if (malformedUri != null) {
                throw new SwitchboardException(
                        ErrorCode.INVALID_FIELD, "request URI: not valid percent-encoding (" + malformedUri + ")");
            }
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Exchange exchange = new Exchange(request);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        // a push is one span, continuing the caller's traceparent; what it logs carries its trace id
        Span span = Tracing.ENABLED && exchange.path().equals("/push")
                ? Tracing.startContinuing(
                        "switchboard.push", SpanKind.SERVER, request.headers().get(Tracing.TRACEPARENT))
                : null;
        CompletionStage<FullHttpResponse> answer;
        try (Scope traced = Tracing.enter(span)) {
            answer = respond(ctx, exchange);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, error) -> {
            try (Scope traced = Tracing.enter(span)) {
                FullHttpResponse sent = error == null ? response : failure(ctx, exchange, unwrap(error));
                if (span != null) {
                    span.setAttribute("http.response.status_code", sent.status().code());
                    span.end();
                }
                send(ctx, exchange, keepAlive, error == null, sent);
            }
        });
    }

    private void send(
            ChannelHandlerContext ctx, Exchange exchange, boolean keepAlive, boolean replied, FullHttpResponse sent) {
        if (replied) {
            String outcome =
                    exchange.outcome != null ? exchange.outcome : sent.status().code() == 200 ? "ok" : outcomeOf(sent);
            metrics.push(exchange.action, outcome);
        }
        HttpUtil.setKeepAlive(sent, keepAlive);
        if (ctx.executor().inEventLoop()) {
            ctx.writeAndFlush(sent);
        } else {
            ctx.executor().execute(() -> ctx.writeAndFlush(sent));
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private FullHttpResponse failure(ChannelHandlerContext ctx, Exchange exchange, Throwable error) {
        FullHttpRequest request = exchange.request;
        if (error instanceof SwitchboardException e) {
            metrics.push(exchange.action, label(e.code()));
            if (e.code() == ErrorCode.CONNECTION_GONE) {
                log.debug(
                        "push API: {} {} answered {}: {}",
                        request.method(),
                        exchange.path(),
                        e.code().errNo(),
                        e.getMessage());
            } else {
                log.info(
                        "push API: {} {} answered {}: {}",
                        request.method(),
                        exchange.path(),
                        e.code().errNo(),
                        e.getMessage());
            }
            return JsonResponses.error(ctx.alloc(), e.code(), e.getMessage());
        }
        metrics.push(exchange.action, "internal");
        log.error("push API: {} {} failed", request.method(), exchange.path(), error);
        return JsonResponses.error(ctx.alloc(), ErrorCode.INTERNAL, "internal error; see the gateway log");
    }

    /** The outcome label of a non-200 answer that was produced as a reply (e.g. forwarded). */
    private static String outcomeOf(FullHttpResponse response) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.httpStatus() == response.status().code()) {
                return label(code);
            }
        }
        return "status-" + response.status().code();
    }

    private static String labelOf(int errNo) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.errNo() == errNo) {
                return label(code);
            }
        }
        return "errno-" + errNo;
    }

    static String label(ErrorCode code) {
        return code.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private CompletionStage<FullHttpResponse> respond(ChannelHandlerContext ctx, Exchange exchange) {
        exchange.requireWellFormedUri();
        String path = exchange.path();
        FullHttpRequest request = exchange.request;
        if (path.equals("/push")) {
            exchange.action = "invalid";
            require(exchange, HttpMethod.POST);
            ObjectNode body = TencentPushParser.readTree(new ByteBufInputStream(request.content()));
            PushCommand command = TencentPushParser.parse(body);
            exchange.action = actionOf(command);
            if (Tracing.ENABLED) {
                PushRouter.describe(Span.current(), command);
            }
            return reply(ctx, exchange, router.route(command, body));
        }
        if (path.equals("/healthz")) {
            exchange.action = "healthz";
            require(exchange, HttpMethod.GET);
            return done(ok(ctx, Json.mapper().createObjectNode().put("status", "ok")));
        }
        if (path.equals("/readyz")) {
            exchange.action = "readyz";
            require(exchange, HttpMethod.GET);
            if (draining.get()) {
                throw new SwitchboardException(ErrorCode.UNAVAILABLE, "draining");
            }
            if (backplane != null && !backplane.available()) {
                throw new SwitchboardException(
                        ErrorCode.BACKPLANE_UNAVAILABLE, "degraded: the cluster backplane is unreachable");
            }
            return done(ok(ctx, Json.mapper().createObjectNode().put("status", "ready")));
        }
        if (path.equals("/metrics")) {
            exchange.action = "metrics";
            require(exchange, HttpMethod.GET);
            return done(observability.metrics(ctx.alloc()));
        }
        if (path.equals("/stats")) {
            exchange.action = "stats";
            require(exchange, HttpMethod.GET);
            return done(ok(ctx, observability.stats()));
        }
        if (path.equals("/dashboard")) {
            exchange.action = "dashboard";
            require(exchange, HttpMethod.GET);
            return done(observability.dashboard());
        }
        if (path.equals(CONNECTIONS)) {
            exchange.action = "list-connections";
            require(exchange, HttpMethod.GET);
            return json(ctx, admin.listConnections(exchange.uri));
        }
        if (path.startsWith(CONNECTIONS + "/")) {
            String id = decode(path.substring(CONNECTIONS.length() + 1));
            if (HttpMethod.DELETE.equals(request.method())) {
                exchange.action = "close-connection";
                return reply(ctx, exchange, admin.closeConnection(id));
            }
            exchange.action = "show-connection";
            require(exchange, HttpMethod.GET);
            return reply(ctx, exchange, admin.showConnection(id));
        }
        if (path.equals(GROUPS)) {
            exchange.action = "list-groups";
            require(exchange, HttpMethod.GET);
            return json(ctx, admin.listGroups(exchange.uri));
        }
        if (path.startsWith(GROUPS + "/") && path.endsWith(PRESENCE)) {
            exchange.action = "group-presence";
            require(exchange, HttpMethod.GET);
            String group = path.substring(GROUPS.length() + 1, path.length() - PRESENCE.length());
            return json(ctx, admin.presence(decode(group), exchange.uri));
        }
        if (path.startsWith(GROUPS + "/")) {
            exchange.action = "show-group";
            require(exchange, HttpMethod.GET);
            return json(ctx, admin.showGroup(decode(path.substring(GROUPS.length() + 1)), exchange.uri));
        }
        if (path.startsWith(USERS)) {
            exchange.action = "show-user";
            require(exchange, HttpMethod.GET);
            return reply(ctx, exchange, admin.showUser(decode(path.substring(USERS.length())), exchange.uri));
        }
        throw new SwitchboardException(ErrorCode.NOT_FOUND, "no endpoint at " + PeerText.quoted(path));
    }

    private static String actionOf(PushCommand command) {
        if (command instanceof PushCommand.ForUser user) {
            return actionOf(user.action());
        }
        if (command instanceof PushCommand.Send) {
            return "data-send";
        }
        if (command instanceof PushCommand.Refresh) {
            return "refresh";
        }
        if (command instanceof PushCommand.Close) {
            return "closing";
        }
        if (command instanceof PushCommand.Join) {
            return "join";
        }
        return command instanceof PushCommand.Leave ? "leave" : "info";
    }

    private static String actionOf(PushCommand.UserAction action) {
        if (action instanceof PushCommand.UserAction.Close) {
            return "closing";
        }
        if (action instanceof PushCommand.UserAction.Join) {
            return "join";
        }
        if (action instanceof PushCommand.UserAction.Refresh) {
            return "refresh";
        }
        return action instanceof PushCommand.UserAction.Leave ? "leave" : "info";
    }

    private static FullHttpResponse ok(ChannelHandlerContext ctx, ObjectNode body) {
        return JsonResponses.ok(ctx.alloc(), body);
    }

    private static CompletionStage<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    private static CompletionStage<FullHttpResponse> json(ChannelHandlerContext ctx, CompletionStage<ObjectNode> body) {
        return body.thenApply(node -> ok(ctx, node));
    }

    /** A reply with its own status (200 or an error body from this or another node). */
    private static CompletionStage<FullHttpResponse> reply(
            ChannelHandlerContext ctx, Exchange exchange, CompletionStage<PushReply> reply) {
        return reply.thenApply(answer -> {
            exchange.outcome = answer.status() == 202
                    ? "queued"
                    : answer.isOk() ? "ok" : labelOf(answer.body().path("errNo").asInt());
            FullHttpResponse response = JsonResponses.ok(ctx.alloc(), answer.body());
            response.setStatus(io.netty.handler.codec.http.HttpResponseStatus.valueOf(answer.status()));
            return response;
        });
    }

    private static String decode(String segment) {
        try {
            return QueryStringDecoder.decodeComponent(segment);
        } catch (IllegalArgumentException e) {
            throw new SwitchboardException(
                    ErrorCode.INVALID_FIELD, "path segment: not valid percent-encoding (" + e.getMessage() + ")");
        }
    }

    private static void require(Exchange exchange, HttpMethod expected) {
        if (!expected.equals(exchange.request.method())) {
            throw new SwitchboardException(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    exchange.request.method() + " " + PeerText.quoted(exchange.path()) + " (expected: " + expected
                            + ")");
        }
    }
}
