package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.dialect.tencent.TencentPushParser;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.push.PushCommand;
import dev.switchboard.server.internal.JsonResponses;
import dev.switchboard.server.internal.metrics.GatewayMetrics;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests on the push listener: {@code POST /push}, the admin endpoints under
 * {@code /connections} and {@code /groups}, {@code /metrics}, {@code /stats}, the
 * {@code /dashboard} page and the probes {@code /healthz} and {@code /readyz}. Answers are JSON
 * unless the endpoint says otherwise; every error is {@code {"errNo", "errMsg"}} with its error
 * code's status. Each request counts in {@code switchboard_push_requests_total{action, outcome}}.
 */
@Sharable
final class PushApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(PushApiHandler.class);
    private static final String CONNECTIONS = "/connections";
    private static final String GROUPS = "/groups";

    private final PushExecutor executor;
    private final AdminApi admin;
    private final Observability observability;
    private final GatewayMetrics metrics;
    private final AtomicBoolean draining;

    PushApiHandler(
            PushExecutor executor,
            AdminApi admin,
            Observability observability,
            GatewayMetrics metrics,
            AtomicBoolean draining) {
        this.executor = executor;
        this.admin = admin;
        this.observability = observability;
        this.metrics = metrics;
        this.draining = draining;
    }

    /** One request being answered: the action label is known once the request is understood. */
    private static final class Exchange {
        final FullHttpRequest request;
        final QueryStringDecoder uri;
        String action = "unknown";

        Exchange(FullHttpRequest request) {
            this.request = request;
            this.uri = new QueryStringDecoder(request.uri());
        }

        String path() {
            return uri.path();
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Exchange exchange = new Exchange(request);
        FullHttpResponse response;
        String outcome = "ok";
        try {
            response = respond(ctx, exchange);
        } catch (SwitchboardException e) {
            outcome = e.code().name().toLowerCase(Locale.ROOT);
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
            response = JsonResponses.error(ctx.alloc(), e.code(), e.getMessage());
        } catch (RuntimeException e) {
            outcome = "internal";
            log.error("push API: {} {} failed", request.method(), exchange.path(), e);
            response = JsonResponses.error(ctx.alloc(), ErrorCode.INTERNAL, "internal error; see the gateway log");
        }
        metrics.push(exchange.action, outcome);
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        ctx.writeAndFlush(response);
    }

    private FullHttpResponse respond(ChannelHandlerContext ctx, Exchange exchange) {
        String path = exchange.path();
        FullHttpRequest request = exchange.request;
        if (path.equals("/push")) {
            exchange.action = "invalid";
            require(exchange, HttpMethod.POST);
            PushCommand command = TencentPushParser.parse(new ByteBufInputStream(request.content()));
            exchange.action = actionOf(command);
            return ok(ctx, executor.execute(command));
        }
        if (path.equals("/healthz")) {
            exchange.action = "healthz";
            require(exchange, HttpMethod.GET);
            return ok(ctx, Json.mapper().createObjectNode().put("status", "ok"));
        }
        if (path.equals("/readyz")) {
            exchange.action = "readyz";
            require(exchange, HttpMethod.GET);
            if (draining.get()) {
                throw new SwitchboardException(ErrorCode.UNAVAILABLE, "draining");
            }
            return ok(ctx, Json.mapper().createObjectNode().put("status", "ready"));
        }
        if (path.equals("/metrics")) {
            exchange.action = "metrics";
            require(exchange, HttpMethod.GET);
            return observability.metrics(ctx.alloc());
        }
        if (path.equals("/stats")) {
            exchange.action = "stats";
            require(exchange, HttpMethod.GET);
            return ok(ctx, observability.stats());
        }
        if (path.equals("/dashboard")) {
            exchange.action = "dashboard";
            require(exchange, HttpMethod.GET);
            return observability.dashboard();
        }
        if (path.equals(CONNECTIONS)) {
            exchange.action = "list-connections";
            require(exchange, HttpMethod.GET);
            return ok(ctx, admin.listConnections(exchange.uri));
        }
        if (path.startsWith(CONNECTIONS + "/")) {
            String id = decode(path.substring(CONNECTIONS.length() + 1));
            if (HttpMethod.DELETE.equals(request.method())) {
                exchange.action = "close-connection";
                return ok(ctx, admin.closeConnection(id));
            }
            exchange.action = "show-connection";
            require(exchange, HttpMethod.GET);
            return ok(ctx, admin.showConnection(id));
        }
        if (path.equals(GROUPS)) {
            exchange.action = "list-groups";
            require(exchange, HttpMethod.GET);
            return ok(ctx, admin.listGroups(exchange.uri));
        }
        if (path.startsWith(GROUPS + "/")) {
            exchange.action = "show-group";
            require(exchange, HttpMethod.GET);
            return ok(ctx, admin.showGroup(decode(path.substring(GROUPS.length() + 1)), exchange.uri));
        }
        throw new SwitchboardException(ErrorCode.NOT_FOUND, "no endpoint at " + path);
    }

    private static String actionOf(PushCommand command) {
        if (command instanceof PushCommand.Send) {
            return "data-send";
        }
        if (command instanceof PushCommand.Close) {
            return "closing";
        }
        if (command instanceof PushCommand.Join) {
            return "join";
        }
        return command instanceof PushCommand.Leave ? "leave" : "info";
    }

    private static FullHttpResponse ok(ChannelHandlerContext ctx, ObjectNode body) {
        return JsonResponses.ok(ctx.alloc(), body);
    }

    private static String decode(String segment) {
        return QueryStringDecoder.decodeComponent(segment);
    }

    private static void require(Exchange exchange, HttpMethod expected) {
        if (!expected.equals(exchange.request.method())) {
            throw new SwitchboardException(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    exchange.request.method() + " " + exchange.path() + " (expected: " + expected + ")");
        }
    }
}
