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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests on the push listener: {@code POST /push} and {@code GET /healthz}. Every
 * answer is JSON; every error is {@code {"errNo", "errMsg"}} with the status of its error code.
 */
@Sharable
final class PushApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(PushApiHandler.class);

    private final PushExecutor executor;

    PushApiHandler(PushExecutor executor) {
        this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        FullHttpResponse response;
        try {
            response = JsonResponses.ok(ctx.alloc(), handle(request, path));
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

    private ObjectNode handle(FullHttpRequest request, String path) {
        switch (path) {
            case "/push" -> {
                requireMethod(request, HttpMethod.POST);
                return executor.execute(TencentPushParser.parse(new ByteBufInputStream(request.content())));
            }
            case "/healthz" -> {
                requireMethod(request, HttpMethod.GET);
                ObjectNode body = Json.mapper().createObjectNode();
                body.put("status", "ok");
                return body;
            }
            default -> throw new SwitchboardException(ErrorCode.NOT_FOUND, "no endpoint at " + path);
        }
    }

    private static void requireMethod(FullHttpRequest request, HttpMethod expected) {
        if (!expected.equals(request.method())) {
            throw new SwitchboardException(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    request.method() + " " + new QueryStringDecoder(request.uri()).path() + " (expected: " + expected
                            + ")");
        }
    }
}
