package dev.switchboard.server.internal.client;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.cluster.ClusterBackplane;
import dev.switchboard.core.cluster.ForwardReply;
import dev.switchboard.core.cluster.NodeGoneException;
import dev.switchboard.core.config.ClusterConfig;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.model.ConnectionId;
import dev.switchboard.core.model.Message;
import dev.switchboard.server.internal.auth.TokenExpiry;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.session.ReliableFrames;
import dev.switchboard.server.internal.session.ReliableSession;
import dev.switchboard.server.internal.session.ReliableSession.Refusal;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumes a reliable session on a new socket, without registration: the socket moves to the
 * session's event loop (so the session stays on one thread), the handshake completes with
 * {@code switchboard.reliable.v1}, and then, on that loop, the token and sequence number are
 * checked and the session takes the socket over. A resume that cannot be honoured also completes
 * the handshake, then sends a {@code reset} frame and closes with {@value #RESET_CLOSE_CODE}:
 * browsers cannot read the status of a refused handshake, and the client must learn that it has
 * to start a new session rather than retry.
 */
final class ResumeHandshake {
    /** The close code after a {@code reset} frame: the session cannot be resumed. */
    static final int RESET_CLOSE_CODE = 4410;

    private static final Logger log = LoggerFactory.getLogger(ResumeHandshake.class);
    /** Redirects followed to find a session that moved more than once. */
    private static final int MAX_HOPS = 3;

    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final Route route;
    private final ResumeRequest resume;
    private final ClientServices services;

    ResumeHandshake(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            Route route,
            ResumeRequest resume,
            ClientServices services) {
        this.ctx = ctx;
        this.request = request;
        this.route = route;
        this.resume = resume;
        this.services = services;
    }

    /** Runs on the socket's event loop, with reading paused. */
    void start() {
        ReliableConnection session = resume.problem() == null ? local() : null;
        if (session != null) {
            moveTo(session.channel().eventLoop(), () -> upgrade(session));
            return;
        }
        String holder = resume.problem() == null ? remoteHolder() : null;
        if (holder == null) {
            upgrade(null);
            return;
        }
        services.moves().arriving(resume.sessionId());
        fetch(holder, 0);
    }

    /**
     * The cluster node that holds the session, when it is not this one: the node it moved to
     * from here, else the node its id names.
     */
    private @Nullable String remoteHolder() {
        if (services.backplane() == null) {
            return null;
        }
        String id = resume.sessionId();
        String holder = services.moves()
                .movedTo(id)
                .orElseGet(() -> ConnectionId.nodeOf(id).orElse(null));
        return holder == null || holder.equals(services.nodeId()) ? null : holder;
    }

    /** Asks {@code holder} to hand the session over (following at most a few redirects). */
    private void fetch(String holder, int hops) {
        Duration timeout =
                ClusterConfig.DEFAULT_FORWARD_TIMEOUT.plus(route.config().transferTimeout());
        ClusterBackplane backplane = services.backplane();
        backplane
                .forward(holder, SessionHandover.request(resume, route.path(), services.nodeId()), timeout)
                .whenComplete((reply, error) ->
                        ctx.channel().eventLoop().execute(() -> onHandover(holder, hops, reply, error)));
    }

    private void onHandover(String holder, int hops, @Nullable ForwardReply reply, @Nullable Throwable error) {
        String id = resume.sessionId();
        if (reply != null && reply.status() == SessionHandover.MOVED && hops < MAX_HOPS) {
            fetch(reply.body().path("movedTo").asText(), hops + 1);
            return;
        }
        if (reply == null || reply.status() != 200) {
            services.moves().arrived(id, false);
            Refusal refusal = reply == null
                    ? fetchFailed(id, holder, error)
                    : new Refusal(
                            errorCode(reply.body().path("errNo").asInt()),
                            reply.body().path("errMsg").asText("refused by node " + holder));
            upgradeRefused(refusal);
            return;
        }
        SessionHandover.State state = SessionHandover.State.of(reply.body().path("session"));
        ReliableConfig reliable = route.config().reliable();
        Channel channel = ctx.channel();
        ReliableConnection session = new ReliableConnection(
                id,
                route,
                channel,
                HandshakeHandler.remoteIp(channel),
                state.userAgent(),
                state.context(),
                state.connectedAt(),
                services,
                ReliableSession.restore(
                        id,
                        reliable,
                        state.snapshot(),
                        resume.token(),
                        services.ticker().nanoTime()));
        session.compressed(state.deflate());
        // the user and the token's expiry move with the session: pushes by user find it here
        session.userId(state.userId());
        session.authorizer(state.authorizer());
        // counted here from now on (its old node stopped counting it); an existing session is
        // never refused for max-connections-per-user, even when the user is at the limit here
        session.admitUser();
        if (state.token() != null) {
            session.tokenExpiry(TokenExpiry.fromJson(state.token(), services.ticker()));
        }
        // registered here (records and memberships move to this node) before the 101 leaves, so
        // pushes queue for it; if the client is gone already the session waits for it here
        session.open();
        for (String group : state.groups()) {
            services.groups().join(session, group);
        }
        services.moves().arrived(id, true);
        route.metrics().session("moved-in");
        log.atInfo()
                .addKeyValue("conn", id)
                .addKeyValue("route", route.path())
                .log(
                        "session taken over from node {} ({} messages to replay)",
                        holder,
                        state.snapshot().frames().size());
        upgrade(session);
    }

    /** A node that has left the cluster took its sessions along; any other failure may pass. */
    private static Refusal fetchFailed(String id, String holder, @Nullable Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NodeGoneException) {
            return new Refusal(
                    ErrorCode.SESSION_GONE, "no session " + id + " to resume: node " + holder + " left the cluster");
        }
        return new Refusal(
                ErrorCode.BACKPLANE_UNAVAILABLE,
                "session " + id + " could not be fetched from node " + holder + ": " + cause);
    }

    private static ErrorCode errorCode(int errNo) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.errNo() == errNo) {
                return code;
            }
        }
        return ErrorCode.SESSION_GONE;
    }

    /** Completes the handshake to tell the client {@code refusal}. */
    private void upgradeRefused(Refusal refusal) {
        Channel channel = ctx.channel();
        WebSocketServerHandshaker handshaker =
                Registration.handshaker(request, route, ReliableConfig.SUBPROTOCOL, false);
        ChannelPromise written = channel.newPromise();
        written.addListener(future -> {
            if (future.isSuccess()) {
                refuse(channel, null, refusal);
            } else {
                channel.close();
            }
        });
        try {
            handshaker.handshake(channel, request, new DefaultHttpHeaders(), written);
        } finally {
            request.release();
        }
    }

    private @Nullable ReliableConnection local() {
        Optional<LiveConnection> found = services.registry().find(resume.sessionId());
        if (found.isPresent() && found.get() instanceof ReliableConnection session && session.route() == route) {
            return session;
        }
        return null;
    }

    /**
     * Re-registers the socket on {@code home} (Netty supports moving a deregistered channel) and
     * continues there.
     */
    private void moveTo(EventLoop home, Runnable then) {
        Channel channel = ctx.channel();
        if (channel.eventLoop() == home) {
            then.run();
            return;
        }
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                request.release();
                channel.close();
                return;
            }
            home.register(channel).addListener(registered -> {
                if (registered.isSuccess()) {
                    then.run();
                } else {
                    request.release();
                    channel.close();
                }
            });
        });
    }

    private void upgrade(@Nullable ReliableConnection session) {
        Channel channel = ctx.channel();
        int maxMessageBytes = route.limits().maxMessageBytes();
        boolean offerDeflate =
                session != null && (session.deflate() || route.config().permessageDeflate());
        WebSocketServerExtension deflate = offerDeflate
                ? PermessageDeflate.negotiate(
                        request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS), maxMessageBytes)
                : null;
        WebSocketServerHandshaker handshaker =
                Registration.handshaker(request, route, ReliableConfig.SUBPROTOCOL, deflate != null);
        HttpHeaders responseHeaders = new DefaultHttpHeaders();
        if (deflate != null) {
            responseHeaders.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, PermessageDeflate.responseHeader(deflate));
        }
        ChannelPromise written = channel.newPromise();
        written.addListener(future -> {
            if (!future.isSuccess()) {
                channel.close();
                return;
            }
            Refusal refusal = refusal(session);
            if (refusal != null) {
                refuse(channel, session, refusal);
                return;
            }
            Registration.installFrameHandlers(channel.pipeline(), deflate, maxMessageBytes);
            session.compressed(deflate != null);
            session.resume(channel, resume.lastSeq());
        });
        try {
            handshaker.handshake(channel, request, responseHeaders, written);
        } finally {
            request.release();
        }
    }

    /** Why the session cannot be resumed now (on its event loop, so nothing moves meanwhile). */
    private @Nullable Refusal refusal(@Nullable ReliableConnection session) {
        if (resume.problem() != null) {
            return new Refusal(ErrorCode.INVALID_FIELD, resume.problem());
        }
        if (session == null || !session.isOpen()) {
            return new Refusal(
                    ErrorCode.SESSION_GONE,
                    "no session " + resume.sessionId() + " to resume on " + route.path()
                            + ": its resume window ran out, it closed, or it never existed");
        }
        return session.session().check(resume.token(), resume.lastSeq());
    }

    /**
     * Tells the client to start over, and closes. A session whose client has lost messages it
     * cannot get back ends now; one presented with a wrong token keeps waiting for its client.
     */
    private void refuse(Channel channel, @Nullable ReliableConnection session, Refusal refusal) {
        route.metrics().session("refused");
        log.atInfo()
                .addKeyValue("conn", resume.sessionId())
                .addKeyValue("route", route.path())
                .log(
                        "resume from {} refused ({}): {}",
                        HandshakeHandler.remoteIp(channel),
                        refusal.code().errNo(),
                        refusal.message());
        if (session != null && refusal.code() == ErrorCode.RESUME_GAP) {
            session.endGap();
        }
        Message reset = ReliableFrames.reset(refusal.code(), refusal.message());
        channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(reset.payload())));
        Connection.sendCloseFrame(
                channel, RESET_CLOSE_CODE, "session reset " + refusal.code().errNo(), services);
        // the client's close frame and anything else are discarded by the handshake handler
        channel.config().setAutoRead(true);
    }
}
