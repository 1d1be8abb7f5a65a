package dev.switchboard.server.internal.push;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.server.internal.JsonResponses;
import dev.switchboard.server.internal.RequestUris;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks {@code Authorization: Bearer <push.token>} on every request before its body is read,
 * comparing in constant time. Refused requests get 401 (errNo 4010) and the connection closes.
 * The push-only token ({@code push.push-token}) opens {@code POST /push} and nothing else: any
 * other request with it gets 403 (errNo 4034).
 * Health probes ({@code /healthz}, {@code /readyz}) need no token: load balancers cannot send one.
 * Nor does the {@code /dashboard} page, which holds no data: it asks for the token and sends it
 * with each of its requests. The AWS {@code @connections} API authenticates on its own.
 */
@Sharable
final class PushAuthHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PushAuthHandler.class);
    private static final Set<String> OPEN_PATHS = Set.of("/healthz", "/readyz", "/dashboard");

    private final byte[] expected;
    private final byte @Nullable [] pushOnly;

    PushAuthHandler(String token, @Nullable String pushToken) {
        this.expected = bearer(token);
        this.pushOnly = pushToken == null ? null : bearer(pushToken);
    }

    private static byte[] bearer(String token) {
        return ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            // a malformed escape is refused by the API (400, errNo 4001) once the token is checked
            String path = RequestUris.pathOrRaw(new QueryStringDecoder(request.uri()));
            // @connections checks its own credentials (a bearer token or an AWS signature) once the body is read
            String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            boolean pushOnlyToken = matches(authorization, pushOnly);
            boolean pushRequest = HttpMethod.POST.equals(request.method()) && path.equals("/push");
            if (OPEN_PATHS.contains(path)
                    || AwsConnectionsApi.isConnectionsPath(request.uri())
                    || matches(authorization, expected)
                    || (pushOnlyToken && pushRequest)) {
                ctx.fireChannelRead(msg);
                return;
            }
            ReferenceCountUtil.release(msg);
            if (pushOnlyToken) {
                log.info(
                        "push API: {} {} from {} refused: the push token may only POST /push",
                        request.method(),
                        path,
                        ctx.channel().remoteAddress());
                PushRequestGuard.refuse(
                        ctx,
                        JsonResponses.error(
                                ctx.alloc(),
                                ErrorCode.TOKEN_SCOPE,
                                "this token may only POST /push (push.push-token); the admin API needs push.token"));
                return;
            }
            log.info(
                    "push API: {} {} from {} refused: missing or wrong bearer token",
                    request.method(),
                    path,
                    ctx.channel().remoteAddress());
            FullHttpResponse response =
                    JsonResponses.error(ctx.alloc(), ErrorCode.UNAUTHORIZED, "missing or invalid bearer token");
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            PushRequestGuard.refuse(ctx, response);
            return;
        }
        if (PushRequestGuard.dropsBodyOfRefused(ctx, msg)) {
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean matches(@Nullable String header, byte @Nullable [] bearer) {
        return header != null
                && bearer != null
                && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), bearer);
    }
}
