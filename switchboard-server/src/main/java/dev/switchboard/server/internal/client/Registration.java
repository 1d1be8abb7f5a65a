package dev.switchboard.server.internal.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.cluster.ClusterBackplane;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.dialect.RegistrationDecision;
import dev.switchboard.core.dialect.aws.AuthorizerDecision;
import dev.switchboard.core.dialect.aws.AuthorizerEvents;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.ConnectEvent;
import dev.switchboard.server.internal.JsonResponses;
import dev.switchboard.server.internal.auth.TokenAuth;
import dev.switchboard.server.internal.auth.TokenExpiry;
import dev.switchboard.server.internal.auth.VerifiedToken;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.metrics.FunctionOutcome;
import dev.switchboard.server.internal.metrics.FunctionRole;
import dev.switchboard.server.internal.session.ReliableSession;
import dev.switchboard.server.internal.tracing.Tracing;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's registration: invokes the route's registration function with the connect
 * event (the socket is not read meanwhile), then completes the handshake with the subprotocol
 * and extensions the function chose, or refuses with its status and {@code errNo}.
 */
final class Registration {
    private static final Logger log = LoggerFactory.getLogger(Registration.class);
    private static final CloseCause LEFT_DURING_REGISTRATION =
            new CloseCause(CloseCause.ABNORMAL, "client left during registration", ClosedBy.CLIENT);

    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final Route route;
    private final String connectionId;
    private final ClientServices services;
    private final String sourceIp;
    private final @Nullable VerifiedToken token;
    private final Instant connectedAt = Instant.now();
    private final @Nullable Span span;
    /** What the route's authorizer allowed the connection with, once it has. */
    private @Nullable ObjectNode authorizerContext;

    Registration(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            Route route,
            String connectionId,
            @Nullable VerifiedToken token,
            ClientServices services) {
        this.token = token;
        this.ctx = ctx;
        this.request = request;
        this.route = route;
        this.connectionId = connectionId;
        this.services = services;
        this.sourceIp = ClientAddress.of(ctx.channel());
        this.span = Tracing.ENABLED
                ? Tracing.startContinuing(
                                "switchboard.handshake",
                                SpanKind.SERVER,
                                request.headers().get(Tracing.TRACEPARENT))
                        .setAttribute("switchboard.route", route.path())
                        .setAttribute("switchboard.connection_id", connectionId)
                : null;
    }

    void start() {
        FunctionInvoker authorizer = route.authorizer();
        if (authorizer == null || !(route.config().dialect() instanceof AwsDialectConfig aws)) {
            register();
            return;
        }
        String methodArn =
                AuthorizerEvents.methodArn(aws.apiId(), route.config().stage());
        try (Scope traced = Tracing.enter(span)) {
            authorizer
                    .invoke(new Invocation(
                            connectEvent(),
                            AuthorizerEvents.writer(route.dialect().eventWriter()),
                            route.config().registerTimeout(),
                            ctx.channel().eventLoop()))
                    .thenAccept(result -> authorized(AuthorizerDecision.of(result, methodArn)));
        }
    }

    /** Goes on to {@code $connect} when the authorizer allowed the connection, else refuses it. */
    private void authorized(AuthorizerDecision decision) {
        if (decision instanceof AuthorizerDecision.Allow allow) {
            authorizerContext = allow.authorizer();
            register();
        } else if (decision instanceof AuthorizerDecision.Deny deny) {
            ErrorCode code = ErrorCode.AUTHORIZER_DENIED;
            decide(new RegistrationDecision.Refuse(code.httpStatus(), code.errNo(), "Forbidden", deny.reason()));
        } else if (decision instanceof AuthorizerDecision.Failed failed) {
            ErrorCode code = ErrorCode.AUTHORIZER_FAILED;
            decide(new RegistrationDecision.Refuse(code.httpStatus(), code.errNo(), "Unauthorized", failed.reason()));
        }
    }

    private ConnectEvent connectEvent() {
        HttpHeaders headers = request.headers();
        ConnectEventParts.Headers headerParts = ConnectEventParts.headers(headers);
        ConnectEventParts.Query query = ConnectEventParts.query(request.uri());
        return new ConnectEvent(
                route.requestContext(
                        sourceIp,
                        headers.get(HttpHeaderNames.USER_AGENT),
                        connectedAt,
                        token == null ? null : token.userId(),
                        token == null ? null : token.claims(),
                        authorizerContext),
                connectionId,
                headerParts.joined(),
                query.first(),
                route.path(),
                headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL),
                headers.get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS),
                headerParts.lines(),
                query.values());
    }

    private void register() {
        FunctionInvoker register = route.register();
        if (register == null) {
            decide(TokenAuth.withToken(
                    new RegistrationDecision.Accept(null, route.config().permessageDeflate(), null, List.of()), token));
            return;
        }
        String protocols = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        ConnectEvent event = connectEvent();
        long started = System.nanoTime();
        try (Scope traced = Tracing.enter(span)) {
            register.invoke(route.invocation(
                            event,
                            route.config().registerTimeout(),
                            ctx.channel().eventLoop()))
                    .thenAccept(result -> {
                        RegistrationDecision decision = route.dialect().registrationDecision(result, protocols);
                        FunctionOutcome outcome = !(decision instanceof RegistrationDecision.Accept)
                                        && FunctionOutcome.of(result) == FunctionOutcome.OK
                                ? FunctionOutcome.REFUSED
                                : FunctionOutcome.of(result);
                        route.metrics().invocation(FunctionRole.REGISTER, outcome, System.nanoTime() - started);
                        decide(
                                decision instanceof RegistrationDecision.Accept accept
                                        ? TokenAuth.withToken(accept, token)
                                        : decision);
                    });
        }
    }

    private void decide(RegistrationDecision decision) {
        try (Scope traced = Tracing.enter(span)) {
            if (decision instanceof RegistrationDecision.Refuse refuse) {
                refuse(refuse);
            } else if (decision instanceof RegistrationDecision.Respond respond) {
                respond(respond);
            } else if (decision instanceof RegistrationDecision.Accept accept) {
                accept(accept);
            } else {
                throw new IllegalStateException("unhandled registration decision " + decision);
            }
        } finally {
            request.release();
            Tracing.end(span, decision.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private void refuse(RegistrationDecision.Refuse refuse) {
        route.metrics().connectRefused(refusalReason(refuse.errNo()));
        log.atInfo()
                .addKeyValue("conn", connectionId)
                .addKeyValue("route", route.path())
                .log("refused from {}: {}", sourceIp, refuse.logReason());
        JsonResponses.sendAndClose(
                ctx, JsonResponses.error(ctx.alloc(), refuse.httpStatus(), refuse.errNo(), refuse.errMsg()));
    }

    /** Refuses with the answer the function chose (the AWS dialect's {@code $connect} status). */
    private void respond(RegistrationDecision.Respond respond) {
        route.metrics().connectRefused(respond.httpStatus() == 502 ? "function-error" : "function");
        log.atInfo()
                .addKeyValue("conn", connectionId)
                .addKeyValue("route", route.path())
                .log("refused from {} with HTTP {}: {}", sourceIp, respond.httpStatus(), respond.logReason());
        byte[] body = respond.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(respond.httpStatus()),
                ctx.alloc().buffer(body.length).writeBytes(body));
        respond.headers().forEach((name, value) -> response.headers().set(name, value));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, respond.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        JsonResponses.sendAndClose(ctx, response);
    }

    private void accept(RegistrationDecision.Accept accept) {
        Channel channel = ctx.channel();
        ReliableConfig reliable = ResumeRequest.reliableOffered(route, request);
        String subprotocols = reliable != null ? ReliableConfig.SUBPROTOCOL : subprotocolsToOffer(accept);
        String problem = checkAccept(accept);
        if (problem != null) {
            ErrorCode code =
                    problem.startsWith("context") ? ErrorCode.CONTEXT_TOO_LARGE : ErrorCode.REGISTRATION_FAILED;
            refuse(new RegistrationDecision.Refuse(code.httpStatus(), code.errNo(), "registration failed", problem));
            return;
        }
        Connection connection = reliable != null
                ? new ReliableConnection(
                        connectionId,
                        route,
                        channel,
                        sourceIp,
                        request.headers().get(HttpHeaderNames.USER_AGENT),
                        accept.context(),
                        connectedAt.toEpochMilli(),
                        services,
                        new ReliableSession(connectionId, reliable))
                : new Connection(
                        connectionId,
                        route,
                        channel,
                        sourceIp,
                        request.headers().get(HttpHeaderNames.USER_AGENT),
                        accept.subprotocol(),
                        accept.context(),
                        connectedAt.toEpochMilli(),
                        services);
        connection.userId(accept.userId());
        connection.authorizer(authorizerContext);
        if (!connection.admitUser()) {
            ErrorCode code = ErrorCode.TOO_MANY_CONNECTIONS_FOR_USER;
            refuse(new RegistrationDecision.Refuse(
                    code.httpStatus(),
                    code.errNo(),
                    "too many connections for this user (limits.max-connections-per-user: "
                            + services.limits().maxConnectionsPerUser() + ")",
                    "user " + new TextNode(accept.userId()) + " holds limits.max-connections-per-user ("
                            + services.limits().maxConnectionsPerUser() + ") connections on this node"));
            return;
        }
        ClusterBackplane backplane = services.backplane();
        if (backplane == null) {
            upgrade(accept, connection, subprotocols);
            return;
        }
        // In a cluster the record and the groups are in Redis before the 101 leaves: any node can
        // find the connection, and a takeover of this node cleans it up, from the moment the
        // client is connected. The request is kept for the handshake until then.
        request.retain();
        backplane
                .register(connection.record(services.nodeId()), accept.groups())
                .whenComplete((done, error) -> channel.eventLoop().execute(() -> {
                    try {
                        upgrade(accept, connection, subprotocols);
                    } finally {
                        request.release();
                    }
                }));
    }

    /** Opens {@code connection} and completes the handshake (unless the client left meanwhile). */
    private void upgrade(RegistrationDecision.Accept accept, Connection connection, String subprotocols) {
        Channel channel = ctx.channel();
        if (!channel.isActive()) {
            if (services.backplane() != null) {
                services.backplane().closed(connectionId, route.path(), Set.copyOf(accept.groups()));
            }
            connection.abandon(LEFT_DURING_REGISTRATION);
            return;
        }
        int maxMessageBytes = route.limits().maxMessageBytes();
        WebSocketServerExtension deflate =
                accept.permessageDeflate() || route.config().permessageDeflate()
                        ? PermessageDeflate.negotiate(
                                request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS), maxMessageBytes)
                        : null;
        WebSocketServerHandshaker handshaker = handshaker(request, route, subprotocols, deflate != null);
        // the 101 carries a header of ours only with compression; null tells Netty there is none
        // (an empty DefaultHttpHeaders would still allocate its table for every handshake)
        @Nullable HttpHeaders responseHeaders = null;
        if (deflate != null) {
            responseHeaders = new DefaultHttpHeaders()
                    .set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, PermessageDeflate.responseHeader(deflate));
        }
        // Open (visible to pushes, with its groups) before the 101 leaves: a backend told by the
        // client that it is connected must never get 410. Frames pushed meanwhile queue behind
        // the 101 on this channel.
        connection.compressed(deflate != null);
        connection.tokenExpiry(token == null ? null : TokenExpiry.of(token, services.ticker()));
        connection.open();
        route.metrics().connectAccepted();
        for (String group : accept.groups()) {
            services.groups().join(connection, group);
        }
        ChannelPromise written = channel.newPromise();
        written.addListener(future -> {
            if (!future.isSuccess()) {
                connection.onChannelInactive();
                channel.close();
                return;
            }
            installFrameHandlers(channel.pipeline(), deflate, maxMessageBytes);
            if (connection instanceof ReliableConnection session) {
                session.welcome();
            }
            channel.config().setAutoRead(true);
        });
        handshaker.handshake(channel, request, responseHeaders, written);
        warnIfSubprotocolDropped(accept, handshaker);
    }

    /**
     * The handshaker for {@code request} on {@code route}, choosing among {@code subprotocols}.
     * A frame may carry no more than the route's max-frame-bytes, nor more than its
     * max-message-bytes (a single-frame message is not seen by the message aggregator); a
     * compressed frame may exceed that by DEFLATE's worst-case overhead, so that a message within
     * the limits that does not compress still arrives (its inflated size is checked in {@link
     * PermessageDeflate}).
     */
    static WebSocketServerHandshaker handshaker(
            FullHttpRequest request, Route route, @Nullable String subprotocols, boolean extensions) {
        int maxFrameBytes =
                Math.min(route.limits().maxFrameBytes(), route.limits().maxMessageBytes());
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(extensions ? PermessageDeflate.compressedBound(maxFrameBytes) : maxFrameBytes)
                .allowExtensions(extensions)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(false)
                .build();
        return new WebSocketServerHandshakerFactory(
                        "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + route.path(),
                        subprotocols,
                        decoderConfig)
                .newHandshaker(request);
    }

    private static String refusalReason(int errNo) {
        if (errNo == ErrorCode.REGISTRATION_FAILED.errNo()) {
            return "function-error";
        }
        return errNo == ErrorCode.CONTEXT_TOO_LARGE.errNo() ? "context-too-large" : "function";
    }

    /** Why an accepting response cannot be honoured, or null when it can. */
    private @Nullable String checkAccept(RegistrationDecision.Accept accept) {
        LimitsConfig limits = services.limits();
        if (accept.context() != null) {
            int size;
            try {
                size = Json.mapper().writeValueAsBytes(accept.context()).length;
            } catch (JsonProcessingException e) {
                return "context cannot be serialised: " + e.getOriginalMessage();
            }
            if (size > limits.maxContextBytes()) {
                return "context of " + size + " bytes is larger than limits.max-context-bytes ("
                        + limits.maxContextBytes() + ")";
            }
        }
        // a list no longer than the limit cannot hold too many distinct groups: count only longer ones
        if (accept.groups().size() <= limits.maxGroupsPerConnection()) {
            return null;
        }
        long distinctGroups = accept.groups().stream().distinct().count();
        if (distinctGroups > limits.maxGroupsPerConnection()) {
            return "groups lists " + distinctGroups + " groups, more than limits.max-groups-per-connection ("
                    + limits.maxGroupsPerConnection() + ")";
        }
        return null;
    }

    private @Nullable String subprotocolsToOffer(RegistrationDecision.Accept accept) {
        if (route.register() != null) {
            return route.auth() != null
                            && accept.subprotocol() != null
                            && route.auth().isTokenEntry(accept.subprotocol())
                    ? null
                    : accept.subprotocol();
        }
        List<String> configured = route.config().subprotocols();
        return configured.isEmpty() ? null : String.join(",", configured);
    }

    private void warnIfSubprotocolDropped(RegistrationDecision.Accept accept, WebSocketServerHandshaker handshaker) {
        if (accept.subprotocol() != null && handshaker.selectedSubprotocol() == null) {
            log.atWarn()
                    .addKeyValue("conn", connectionId)
                    .addKeyValue("route", route.path())
                    .log(
                            "registration chose subprotocol '{}' which the client did not offer ({});"
                                    + " the handshake carries none",
                            accept.subprotocol(),
                            request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "none"));
        }
    }

    static void installFrameHandlers(
            ChannelPipeline pipeline, @Nullable WebSocketServerExtension deflate, int maxMessageBytes) {
        if (deflate != null) {
            pipeline.addAfter("wsdecoder", "deflate-decoder", deflate.newExtensionDecoder());
            pipeline.addAfter("wsdecoder", "deflate-encoder", deflate.newExtensionEncoder());
        }
        pipeline.replace(HandshakeHandler.class, "utf8", new Utf8FrameValidator(false));
        pipeline.addAfter("utf8", "aggregator", new WebSocketFrameAggregator(maxMessageBytes));
        pipeline.addAfter("aggregator", "frames", WebSocketFrameHandler.INSTANCE);
    }
}
