package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ForwardReply;
import dev.switchboard.core.cluster.NodeGoneException;
import dev.switchboard.core.config.AwsCredential;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.ConnectionId;
import dev.switchboard.core.model.Message;
import dev.switchboard.server.internal.JsonResponses;
import dev.switchboard.server.internal.lifecycle.ConnectionInfo;
import dev.switchboard.server.internal.lifecycle.ConnectionRegistry;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import dev.switchboard.server.internal.lifecycle.RequestIds;
import dev.switchboard.server.internal.metrics.GatewayMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API Gateway management API on the push listener, so AWS SDK clients
 * ({@code ApiGatewayManagementApi} with its endpoint set to this listener) work unchanged:
 * {@code POST} (send the raw body to the connection), {@code GET} (its connection times and
 * identity) and {@code DELETE} (close it) on {@code /{stage}/@connections/{id}} and
 * {@code /@connections/{id}} ({@code @} may be written {@code %40}; the id is URL-decoded).
 *
 * <p>Errors are API Gateway's: an {@code x-amzn-ErrorType} header naming the exception the SDKs
 * raise and a {@code {"message": …}} body. Authentication: a bearer {@code push.token} always
 * works; otherwise, with {@code push.aws-credentials}, a Signature Version 4 made with one of
 * them; without credentials but with a token, a signature made with the token as the secret
 * access key (any key id); with neither, any request (the listener is then loopback-only).
 * Requests on other paths pass on to the rest of the push API.
 */
@Sharable
final class AwsConnectionsApi extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AwsConnectionsApi.class);
    private static final String CONNECTIONS = "@connections";
    private static final CloseCause DELETED = new CloseCause(CloseCause.NORMAL, "", ClosedBy.PUSH);

    private static final String ERROR_TYPE = "awsErrorType";

    private final ConnectionRegistry registry;
    private final GatewayMetrics metrics;
    /** Routes requests for connections of other nodes; null on a single node. */
    private final @Nullable PushRouter router;

    private final String nodeId;
    private final @Nullable String token;
    private final @Nullable SigV4Verifier verifier;

    AwsConnectionsApi(
            PushConfig config,
            ConnectionRegistry registry,
            GatewayMetrics metrics,
            Clock clock,
            @Nullable PushRouter router,
            String nodeId) {
        this.registry = registry;
        this.metrics = metrics;
        this.router = router;
        this.nodeId = nodeId;
        this.token = config.token();
        if (!config.awsCredentials().isEmpty()) {
            Map<String, String> secrets = new LinkedHashMap<>();
            for (AwsCredential credential : config.awsCredentials()) {
                secrets.put(credential.accessKeyId(), credential.secretAccessKey());
            }
            this.verifier = new SigV4Verifier(id -> Optional.ofNullable(secrets.get(id)), clock);
        } else if (token != null) {
            String secret = token;
            this.verifier = new SigV4Verifier(id -> Optional.of(secret), clock);
        } else {
            this.verifier = null;
        }
    }

    /** An API Gateway error: its HTTP status and the {@code x-amzn-ErrorType} SDKs map to an exception. */
    static final class AwsApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final int status;
        final String type;

        AwsApiException(int status, String type, String message) {
            super(message);
            this.status = status;
            this.type = type;
        }

        static AwsApiException gone(String id) {
            return new AwsApiException(410, "GoneException", "Connection " + id + " is gone");
        }

        static AwsApiException forbidden(String message) {
            return new AwsApiException(403, "ForbiddenException", message);
        }

        static AwsApiException badRequest(String message) {
            return new AwsApiException(400, "BadRequestException", message);
        }

        static AwsApiException payloadTooLarge(String message) {
            return new AwsApiException(413, "PayloadTooLargeException", message);
        }

        static AwsApiException limitExceeded(String message) {
            return new AwsApiException(429, "LimitExceededException", message);
        }
    }

    /** True when {@code uri} is an {@code @connections} path, which this API answers. */
    static boolean isConnectionsPath(String uri) {
        String[] segments = rawPath(uri).split("/", -1);
        return (segments.length > 1 && isConnections(segments[1]))
                || (segments.length > 2 && isConnections(segments[2]));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || !isConnectionsPath(request.uri())) {
            ctx.fireChannelRead(msg);
            return;
        }
        String action = "aws-" + request.method().name().toLowerCase(java.util.Locale.ROOT);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        CompletionStage<ForwardReply> answer;
        try {
            answer = respond(request);
        } catch (AwsApiException e) {
            answer = CompletableFuture.completedFuture(reply(e));
        } catch (RuntimeException e) {
            log.error("@connections: {} {} failed", request.method(), request.uri(), e);
            answer = CompletableFuture.completedFuture(
                    reply(new AwsApiException(500, "InternalServerErrorException", "Internal server error")));
        }
        String method = request.method().name();
        String uri = request.uri();
        ReferenceCountUtil.release(request);
        answer.whenComplete((reply, error) -> {
            ForwardReply answered = error == null ? reply : reply(unavailable(error));
            String type = answered.body().path(ERROR_TYPE).asText("");
            metrics.push(action, type.isEmpty() ? "ok" : type);
            if (!type.isEmpty()) {
                log.atLevel(answered.status() == 410 ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO)
                        .log(
                                "@connections: {} {} answered {}: {}",
                                method,
                                uri,
                                type,
                                answered.body().path("message").asText());
            }
            FullHttpResponse response = toResponse(ctx.alloc(), answered);
            HttpUtil.setKeepAlive(response, keepAlive);
            if (ctx.executor().inEventLoop()) {
                ctx.writeAndFlush(response);
            } else {
                ctx.executor().execute(() -> ctx.writeAndFlush(response));
            }
        });
    }

    /**
     * Authorises and answers here, or forwards to the node that holds the connection: a request
     * for another node's connection is carried out by that node with the same rules.
     */
    private CompletionStage<ForwardReply> respond(FullHttpRequest request) {
        byte[] body = ByteBufUtil.getBytes(request.content());
        authorize(request, body);
        String id = connectionId(request.uri());
        String method = request.method().name();
        String owner = ConnectionId.nodeOf(id).orElse(nodeId);
        if (router == null || owner.equals(nodeId)) {
            return CompletableFuture.completedFuture(answerHere(method, id, body));
        }
        ObjectNode forwarded = Json.mapper().createObjectNode();
        forwarded
                .putObject("aws-connections")
                .put("method", method)
                .put("id", id)
                .put("data", Base64.getEncoder().encodeToString(body));
        return router.forwardRequest(owner, forwarded).thenApply(PushReply::toForwardReply);
    }

    /** Carries out a request forwarded by another node: {@code {"method", "id", "data"}}. */
    ForwardReply answerForwarded(JsonNode request) {
        try {
            return answerHere(
                    request.path("method").asText(),
                    request.path("id").asText(),
                    Base64.getDecoder().decode(request.path("data").asText("")));
        } catch (AwsApiException e) {
            return reply(e);
        } catch (IllegalArgumentException e) {
            return reply(AwsApiException.badRequest("malformed forwarded request"));
        }
    }

    /** POST, GET or DELETE on a connection of this node. */
    private ForwardReply answerHere(String method, String id, byte[] body) {
        try {
            switch (method) {
                case "POST" -> {
                    post(id, body);
                    return new ForwardReply(200, Json.mapper().createObjectNode());
                }
                case "GET" -> {
                    return new ForwardReply(200, describe(find(id).info()));
                }
                case "DELETE" -> {
                    find(id).close(DELETED);
                    return new ForwardReply(204, Json.mapper().createObjectNode());
                }
                default -> throw AwsApiException.forbidden("Missing Authentication Token");
            }
        } catch (AwsApiException e) {
            return reply(e);
        }
    }

    /** The node-to-node form of an API Gateway error. */
    private static ForwardReply reply(AwsApiException e) {
        ObjectNode body =
                Json.mapper().createObjectNode().put(ERROR_TYPE, e.type).put("message", e.getMessage());
        return new ForwardReply(e.status, body);
    }

    /** A forward that failed: the owning node is gone (410) or could not be reached (503). */
    private static AwsApiException unavailable(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
        if (cause instanceof NodeGoneException) {
            return new AwsApiException(410, "GoneException", cause.getMessage());
        }
        return new AwsApiException(503, "ServiceUnavailableException", "the connection's node cannot be reached");
    }

    private static FullHttpResponse toResponse(ByteBufAllocator alloc, ForwardReply reply) {
        JsonNode type = reply.body().get(ERROR_TYPE);
        if (type != null) {
            return error(
                    alloc,
                    new AwsApiException(
                            reply.status(),
                            type.asText(),
                            reply.body().path("message").asText()));
        }
        if (reply.status() == 200 && !reply.body().isEmpty()) {
            return json(alloc, reply.body());
        }
        return empty(HttpResponseStatus.valueOf(reply.status()));
    }

    private void authorize(FullHttpRequest request, byte[] body) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (token != null
                && authorization != null
                && MessageDigest.isEqual(
                        authorization.getBytes(StandardCharsets.UTF_8),
                        ("Bearer " + token).getBytes(StandardCharsets.UTF_8))) {
            return;
        }
        if (verifier == null) {
            return;
        }
        String uri = request.uri();
        int question = uri.indexOf('?');
        try {
            verifier.verify(
                    request.method().name(),
                    rawPath(uri),
                    question < 0 ? "" : uri.substring(question + 1),
                    request.headers(),
                    body);
        } catch (SigV4Verifier.InvalidSignatureException e) {
            throw AwsApiException.forbidden(e.getMessage());
        }
    }

    private void post(String id, byte[] data) {
        LiveConnection connection = find(id);
        if (data.length == 0) {
            throw AwsApiException.badRequest("Data is required");
        }
        int limit = connection.route().limits().maxMessageBytes();
        if (data.length > limit) {
            throw AwsApiException.payloadTooLarge("Message of " + data.length
                    + " bytes is larger than the connection's limit of " + limit + " bytes");
        }
        Message message = isUtf8(data) ? new Message(Message.Type.TEXT, data) : Message.binary(data);
        switch (connection.send(message)) {
            case SENT, QUEUED -> {}
            case GONE -> throw AwsApiException.gone(id);
            case BUFFER_FULL ->
                throw AwsApiException.limitExceeded(
                        "Connection " + id + " is not reading fast enough (outbound buffer full)");
        }
    }

    private LiveConnection find(String id) {
        return registry.find(id).orElseThrow(() -> AwsApiException.gone(id));
    }

    /** GetConnection's answer: ISO-8601 times and the identity the handshake showed. */
    private static ObjectNode describe(ConnectionInfo info) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("connectedAt", info.connectedAt().toString());
        ObjectNode identity = body.putObject("identity");
        identity.put("sourceIp", info.remoteAddress());
        if (info.userAgent() != null) {
            identity.put("userAgent", info.userAgent());
        }
        body.put("lastActiveAt", info.lastActiveAt().toString());
        return body;
    }

    private static String connectionId(String uri) {
        String[] segments = rawPath(uri).split("/", -1);
        int at = isConnections(segments[1]) ? 1 : 2;
        if (segments.length != at + 2 || segments[at + 1].isEmpty()) {
            throw AwsApiException.badRequest("Invalid connectionId: expected /[{stage}/]@connections/{connectionId}");
        }
        return SigV4Verifier.decode(segments[at + 1]);
    }

    private static boolean isConnections(String segment) {
        return segment.equals(CONNECTIONS) || SigV4Verifier.decode(segment).equals(CONNECTIONS);
    }

    private static String rawPath(String uri) {
        int end = uri.indexOf('?');
        return end < 0 ? uri : uri.substring(0, end);
    }

    private static boolean isUtf8(byte[] data) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(data));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0).set("x-amzn-RequestId", RequestIds.next());
        return response;
    }

    private static FullHttpResponse json(ByteBufAllocator alloc, ObjectNode body) {
        FullHttpResponse response = JsonResponses.ok(alloc, body);
        response.headers().set("x-amzn-RequestId", RequestIds.next());
        return response;
    }

    /** An API Gateway error response: {@code x-amzn-ErrorType} and {@code {"message": …}}. */
    static FullHttpResponse error(ByteBufAllocator alloc, AwsApiException e) {
        byte[] bytes = Json.mapper()
                .createObjectNode()
                .put("message", e.getMessage())
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = JsonResponses.response(
                HttpResponseStatus.valueOf(e.status), alloc.buffer(bytes.length).writeBytes(bytes));
        response.headers().set("x-amzn-ErrorType", e.type).set("x-amzn-RequestId", RequestIds.next());
        return response;
    }
}
