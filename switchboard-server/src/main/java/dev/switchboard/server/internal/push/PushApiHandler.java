package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.dialect.tencent.TencentPushParser;
import dev.switchboard.core.json.Json;
import dev.switchboard.server.internal.JsonResponses;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests on the push listener: {@code POST /push}, the admin endpoints under
 * {@code /connections} and {@code /groups}, and the probes {@code /healthz} and {@code /readyz}.
 * Every answer is JSON; every error is {@code {"errNo", "errMsg"}} with its error code's status.
 */
@Sharable
final class PushApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(PushApiHandler.class);
    private static final String CONNECTIONS = "/connections";
    private static final String GROUPS = "/groups";

    private final PushExecutor executor;
    private final AdminApi admin;
    private final AtomicBoolean draining;

    PushApiHandler(PushExecutor executor, AdminApi admin, AtomicBoolean draining) {
        this.executor = executor;
        this.admin = admin;
        this.draining = draining;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        FullHttpResponse response;
        try {
            response = respond(ctx, request, uri);
        } catch (SwitchboardException e) {
            if (e.code() == ErrorCode.CONNECTION_GONE) {
                log.debug(
                        "push API: {} {} answered {}: {}",
                        request.method(),
                        path,
                        e.code().errNo(),
                        e.getMessage());
            } else {
                log.info(
                        "push API: {} {} answered {}: {}",
                        request.method(),
                        path,
                        e.code().errNo(),
                        e.getMessage());
            }
            response = JsonResponses.error(ctx.alloc(), e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("push API: {} {} failed", request.method(), path, e);
            response = JsonResponses.error(ctx.alloc(), ErrorCode.INTERNAL, "internal error; see the gateway log");
        }
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        ctx.writeAndFlush(response);
    }

    private FullHttpResponse respond(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        String path = uri.path();
        HttpMethod method = request.method();
        if (path.equals("/push")) {
            require(request, HttpMethod.POST);
            return ok(ctx, executor.execute(TencentPushParser.parse(new ByteBufInputStream(request.content()))));
        }
        if (path.equals("/healthz")) {
            require(request, HttpMethod.GET);
            return ok(ctx, status("ok"));
        }
        if (path.equals("/readyz")) {
            require(request, HttpMethod.GET);
            if (draining.get()) {
                return JsonResponses.error(ctx.alloc(), ErrorCode.UNAVAILABLE, "draining");
            }
            return ok(ctx, status("ready"));
        }
        if (path.equals(CONNECTIONS)) {
            require(request, HttpMethod.GET);
            return ok(ctx, admin.listConnections(uri));
        }
        if (path.startsWith(CONNECTIONS + "/")) {
            String id = decode(path.substring(CONNECTIONS.length() + 1));
            if (HttpMethod.DELETE.equals(method)) {
                return ok(ctx, admin.closeConnection(id));
            }
            require(request, HttpMethod.GET);
            return ok(ctx, admin.showConnection(id));
        }
        if (path.equals(GROUPS)) {
            require(request, HttpMethod.GET);
            return ok(ctx, admin.listGroups(uri));
        }
        if (path.startsWith(GROUPS + "/")) {
            require(request, HttpMethod.GET);
            return ok(ctx, admin.showGroup(decode(path.substring(GROUPS.length() + 1)), uri));
        }
        throw new SwitchboardException(ErrorCode.NOT_FOUND, "no endpoint at " + path);
    }

    private static FullHttpResponse ok(ChannelHandlerContext ctx, ObjectNode body) {
        return JsonResponses.ok(ctx.alloc(), body);
    }

    private static ObjectNode status(String status) {
        return Json.mapper().createObjectNode().put("status", status);
    }

    private static String decode(String segment) {
        return QueryStringDecoder.decodeComponent(segment);
    }

    private static void require(FullHttpRequest request, HttpMethod expected) {
        if (!expected.equals(request.method())) {
            throw new SwitchboardException(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    request.method() + " " + new QueryStringDecoder(request.uri()).path() + " (expected: " + expected
                            + ")");
        }
    }
}
