package dev.switchboard.server.internal.push;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.server.internal.JsonResponses;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks what every push listener request must satisfy before its token or body is looked at:
 * a well-formed request (a malformed one, such as a negative or repeated {@code Content-Length},
 * gets 400 with errNo 4001), and a {@code Host} the listener answers (403, errNo 4035). A listener
 * without a token, which any web page open on the host could otherwise reach, also refuses a
 * foreign {@code Origin} (403, errNo 4033) and a body that is not {@code application/json} (415,
 * errNo 4150). Refused requests are logged once at INFO, and the connection closes after the answer.
 */
@Sharable
final class PushRequestGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PushRequestGuard.class);
    private static final AttributeKey<Boolean> REJECTED = AttributeKey.valueOf("switchboard.push.rejected");
    /** Longest piece of a malformed request quoted back in an error. */
    private static final int MAX_QUOTED = 100;

    private final PushConfig config;
    private final boolean open;
    private final String scheme;

    PushRequestGuard(PushConfig config) {
        this.config = config;
        this.open = config.token() == null;
        this.scheme = config.tls() == null ? "http" : "https";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            if (!ctx.channel().isActive()) {
                // the rest of a request cut by a timeout or the peer: nobody to answer
                ReferenceCountUtil.release(msg);
                return;
            }
            SwitchboardException refusal = check(ctx, request);
            if (refusal == null) {
                ctx.channel().attr(REJECTED).set(null);
                ctx.fireChannelRead(msg);
                return;
            }
            log.info(
                    "push API: {} {} from {} refused: {}",
                    request.method(),
                    request.uri(),
                    ctx.channel().remoteAddress(),
                    refusal.getMessage());
            ReferenceCountUtil.release(msg);
            refuse(ctx, JsonResponses.error(ctx.alloc(), refusal.code(), refusal.getMessage()));
            return;
        }
        if (dropsBodyOfRefused(ctx, msg)) {
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Answers {@code response} to a request refused before its body was read, drops the rest of
     * that body, and closes the connection once the answer is out.
     */
    static void refuse(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.channel().attr(REJECTED).set(Boolean.TRUE);
        JsonResponses.sendAndLinger(ctx, response);
    }

    /** True when {@code msg} is part of the body of a refused request, which it then releases. */
    static boolean dropsBodyOfRefused(ChannelHandlerContext ctx, Object msg) {
        if (Boolean.TRUE.equals(ctx.channel().attr(REJECTED).get())) {
            ReferenceCountUtil.release(msg);
            return true;
        }
        return false;
    }

    private @Nullable SwitchboardException check(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return malformed(request.decoderResult().cause());
        }
        HttpHeaders headers = request.headers();
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null && !hostAllowed(host.toLowerCase(Locale.ROOT), ctx)) {
            return new SwitchboardException(
                    ErrorCode.HOST_NOT_ALLOWED,
                    "Host " + quoted(host) + " is not one this listener answers (push.allowed-hosts)");
        }
        if (!open) {
            return null;
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !config.allowedOrigins().contains(origin) && !isOwnOrigin(origin, host)) {
            return new SwitchboardException(
                    ErrorCode.ORIGIN_NOT_ALLOWED,
                    "Origin " + quoted(origin) + " is not allowed (push.allowed-origins; or set push.token)");
        }
        if (hasBody(request) && !AwsConnectionsApi.isConnectionsPath(request.uri()) && !isJson(headers)) {
            String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
            return new SwitchboardException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type " + (contentType == null ? "missing" : quoted(contentType))
                            + " (expected: application/json)");
        }
        return null;
    }

    private static SwitchboardException malformed(Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return new SwitchboardException(
                    ErrorCode.HEADERS_TOO_LARGE, "request line or headers too large (" + cause.getMessage() + ")");
        }
        String reason = String.valueOf(cause.getMessage());
        if (reason.contains("Content-Length")) {
            return new SwitchboardException(
                    ErrorCode.INVALID_FIELD,
                    "Content-Length: " + quoted(reason) + " (expected: one non-negative integer)");
        }
        return new SwitchboardException(ErrorCode.INVALID_FIELD, "malformed HTTP request: " + quoted(reason));
    }

    /**
     * With {@code push.allowed-hosts}, a listed host (with any port) or host:port; without, and
     * without a token, a loopback name or the listen address, on the port the listener is bound
     * to (or none). With a token and no list, any host: callers reach such a listener by many names.
     */
    private boolean hostAllowed(String host, ChannelHandlerContext ctx) {
        List<String> allowed = config.allowedHosts();
        int colon = host.lastIndexOf(':');
        boolean hasPort = colon > host.lastIndexOf(']');
        String name = hasPort ? host.substring(0, colon) : host;
        if (!allowed.isEmpty()) {
            return allowed.contains(host) || allowed.contains(name);
        }
        if (!open) {
            return true;
        }
        if (!(ctx.channel().localAddress() instanceof InetSocketAddress local)) {
            return true;
        }
        // a browser always names a port other than 80 or 443, so a page elsewhere cannot omit it
        boolean portMatches = !hasPort || host.substring(colon + 1).equals(Integer.toString(local.getPort()));
        return portMatches
                && (isLoopbackName(name) || name.equals(config.listen().host().toLowerCase(Locale.ROOT)));
    }

    private static boolean isLoopbackName(String name) {
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
        String literal = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        byte[] address = NetUtil.createByteArrayFromIpAddressString(literal);
        if (address == null) {
            return false;
        }
        try {
            return java.net.InetAddress.getByAddress(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The listener's own pages (the dashboard) send their own origin; the Host was checked already. */
    private boolean isOwnOrigin(String origin, @Nullable String host) {
        return host != null && origin.equalsIgnoreCase(scheme + "://" + host);
    }

    private static boolean hasBody(HttpRequest request) {
        return HttpMethod.POST.equals(request.method())
                || HttpUtil.isTransferEncodingChunked(request)
                || HttpUtil.getContentLength(request, 0L) > 0;
    }

    private static boolean isJson(HttpHeaders headers) {
        String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType == null) {
            return false;
        }
        CharSequence mime = HttpUtil.getMimeType(contentType);
        return mime != null
                && HttpHeaderValues.APPLICATION_JSON.contentEqualsIgnoreCase(
                        mime.toString().trim());
    }

    /** {@code text} in quotes, cut to {@value #MAX_QUOTED} characters (the log escapes the rest). */
    static String quoted(String text) {
        return "'" + (text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "…" : text) + "'";
    }
}
