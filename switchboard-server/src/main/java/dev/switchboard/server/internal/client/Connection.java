package dev.switchboard.server.internal.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.OnTransferError;
import dev.switchboard.core.config.SlowConsumerPolicy;
import dev.switchboard.core.dialect.TransferOutcome;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.RequestContext;
import dev.switchboard.server.internal.auth.RefreshFrame;
import dev.switchboard.server.internal.auth.TokenAuth;
import dev.switchboard.server.internal.auth.TokenExpiry;
import dev.switchboard.server.internal.lifecycle.ConnectionInfo;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.lifecycle.SendResult;
import dev.switchboard.server.internal.lifecycle.SharedFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.AttributeKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted client connection: its identity, its state (open, closing, closed), its timers
 * and the way it ends. Everything but {@link #send} and {@link #close} runs on the channel's
 * event loop, so the fields need no locks.
 *
 * <p>Closing is one path whatever the cause: the connection leaves the registry (pushes now
 * answer 410), the client gets a close frame when the gateway initiated, messages already
 * received are still delivered to the transfer function (unless the transfer function itself
 * failed), and then the cleanup function is invoked exactly once.
 *
 * <p>A {@link ReliableConnection} (a reliable session) can change sockets: its channel is
 * replaced when its client resumes, always by one registered on the same event loop.
 */
public sealed class Connection implements LiveConnection permits ReliableConnection {
    static final AttributeKey<Connection> KEY = AttributeKey.valueOf("switchboard.connection");

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final CloseCause MESSAGE_RATE_EXCEEDED =
            new CloseCause(CloseCause.POLICY_VIOLATION, "message rate exceeded", ClosedBy.SERVER);
    private static final CloseCause SLOW_CONSUMER =
            new CloseCause(CloseCause.TRY_AGAIN_LATER, "slow consumer", ClosedBy.SLOW_CONSUMER);
    static final CloseCause NO_PONG = new CloseCause(CloseCause.GOING_AWAY, "no pong", ClosedBy.SERVER);
    private static final CloseCause PING_FLOOD =
            new CloseCause(CloseCause.POLICY_VIOLATION, "ping flood", ClosedBy.SERVER);
    /**
     * Pongs a client may leave unread when its outbound budget runs out, and pings it may send
     * while the budget is spent (reading has stopped by then, so only pings already read can
     * arrive): a few from a client that pings on a timer, thousands from one that floods.
     */
    static final int MAX_UNREAD_PONGS = 16;
    /**
     * Pings a client may send per second, with bursts up to as many. A keepalive pings every few
     * seconds; a client pinging faster than this costs the event loop it shares with others more
     * than any keepalive needs, whether or not it reads its pongs.
     */
    static final int PING_RATE = 50;

    private enum State {
        OPEN,
        CLOSING,
        CLOSED
    }

    private final String id;
    private final Route route;
    private volatile Channel channel;
    private final String sourceIp;
    private final @Nullable String userAgent;
    private final @Nullable String subprotocol;
    private final @Nullable ObjectNode context;
    private final ClientServices services;
    private final long connectedAtMillis;
    private final long connectedAtNanos;
    private final TransferPump pump;
    private final LongAdder messagesOut = new LongAdder();
    private final Set<String> groups = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean slowConsumer = new AtomicBoolean();
    private volatile boolean compressed;
    private volatile @Nullable String userId;
    /** What the route's AWS authorizer allowed the connection with: every event's {@code requestContext.authorizer}. */
    private volatile @Nullable ObjectNode authorizer;
    /** When the connection's token runs out, on a route with {@code auth}; null without one. */
    private volatile @Nullable TokenExpiry tokenExpiry;
    /** Counted in {@code limits.max-connections-per-user}; released once when it ends. */
    private final AtomicBoolean userAdmitted = new AtomicBoolean();

    private final TokenBucket messageRate;
    private final TokenBucket pingRate;

    private volatile State state = State.OPEN;
    private volatile long lastActiveNanos;
    private long lastPingNanos;
    private long pingOutstandingSinceNanos = -1;
    private volatile long messagesIn;
    private @Nullable CloseCause closeCause;
    /** Pongs written during the current read and not flushed yet. */
    private boolean pongsToFlush;

    private boolean cleanupDispatched;
    /** Reading stopped because the transfer queue is full; since when, on the ticker. */
    private boolean queuePaused;

    private long queuePausedSinceNanos;
    /** Reading stopped because {@code outbound-buffer-bytes} are queued for the client. */
    private boolean budgetSpent;

    private int pingsWhileSpent;
    /** Pongs written since the client last had nothing left to read. */
    private int pongsUnread;
    /** The answer to the latest ping that came while the budget was spent. */
    private @Nullable ByteBuf owedPong;

    Connection(
            String id,
            Route route,
            Channel channel,
            String sourceIp,
            @Nullable String userAgent,
            @Nullable String subprotocol,
            @Nullable ObjectNode context,
            long connectedAtMillis,
            ClientServices services) {
        this.id = id;
        this.route = route;
        this.channel = channel;
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
        this.subprotocol = subprotocol;
        this.context = context;
        this.services = services;
        this.connectedAtMillis = connectedAtMillis;
        this.connectedAtNanos = services.ticker().nanoTime();
        this.lastActiveNanos = connectedAtNanos;
        this.lastPingNanos = connectedAtNanos;
        this.messageRate = new TokenBucket(services.limits().messageRate(), connectedAtNanos);
        this.pingRate = new TokenBucket(PING_RATE, connectedAtNanos);
        this.pump = new TransferPump(this, route, services.limits(), channel.eventLoop());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Route route() {
        return route;
    }

    String sourceIp() {
        return sourceIp;
    }

    /** A request context for a new invocation about this connection. */
    RequestContext requestContext() {
        return route.requestContext(
                sourceIp, userAgent, Instant.ofEpochMilli(connectedAtMillis), userId, null, authorizer);
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public Set<String> groups() {
        return groups;
    }

    @Override
    public ConnectionRecord record(String node) {
        return new ConnectionRecord(
                id,
                node,
                route.path(),
                connectedAtMillis,
                sourceIp,
                userAgent,
                subprotocol,
                context,
                userId,
                authorizer);
    }

    @Override
    public ConnectionInfo info() {
        long now = services.ticker().nanoTime();
        long lastActiveMillis = System.currentTimeMillis() - (now - lastActiveNanos) / 1_000_000;
        ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        List<String> sortedGroups = new ArrayList<>(groups);
        Collections.sort(sortedGroups);
        return new ConnectionInfo(
                id,
                route.path(),
                sourceIp,
                userAgent,
                subprotocol,
                Instant.ofEpochMilli(connectedAtMillis),
                Instant.ofEpochMilli(lastActiveMillis),
                context,
                List.copyOf(sortedGroups),
                messagesIn,
                messagesOut.sum(),
                outbound == null ? 0 : outbound.totalPendingWriteBytes(),
                userId);
    }

    @Nullable
    String userAgent() {
        return userAgent;
    }

    @Nullable
    ObjectNode context() {
        return context;
    }

    @Nullable
    String subprotocol() {
        return subprotocol;
    }

    long connectedAtMillis() {
        return connectedAtMillis;
    }

    /** Makes the connection visible to pushes and timers, once the handshake is written. */
    void open() {
        channel.attr(KEY).set(this);
        services.unfinished().accepted();
        route.metrics().opened();
        services.registry().add(this);
        if (services.backplane() != null) {
            services.backplane().opened(record(services.nodeId()));
        }
        services.journal().opened(record(services.nodeId()));
        services.sweeper(channel).track(this);
        log.atDebug()
                .addKeyValue("conn", id)
                .addKeyValue("route", route.path())
                .log("open from {} subprotocol={}", sourceIp, subprotocol);
    }

    @Override
    public SendResult send(SharedFrame frame) {
        if (compressed) {
            return send(frame.message());
        }
        SendResult result = admit();
        if (result == SendResult.SENT) {
            frame.writeTo(channel);
            countSent(frame.message());
        }
        return result;
    }

    /**
     * Queues a pushed {@code message}, encoded for this connection alone. The write always goes
     * through the event loop's task queue, even from the loop itself: a caller that pushes again
     * after this push was answered, over another HTTP connection, is then queued behind it.
     */
    @Override
    public SendResult send(Message message) {
        SendResult result = admit();
        if (result == SendResult.SENT) {
            WebSocketFrame frame = frameOf(message);
            EventLoop loop = channel.eventLoop();
            if (loop.inEventLoop()) {
                loop.execute(() -> channel.writeAndFlush(frame, channel.voidPromise()));
            } else {
                channel.writeAndFlush(frame, channel.voidPromise());
            }
            countSent(message);
        }
        return result;
    }

    /** Sends a transfer function's reply, on the event loop: at once, nothing can be ahead of it. */
    void reply(Message message) {
        if (admit() == SendResult.SENT) {
            channel.writeAndFlush(frameOf(message), channel.voidPromise());
            countSent(message);
        }
    }

    private static WebSocketFrame frameOf(Message message) {
        ByteBuf payload = Unpooled.wrappedBuffer(message.payload());
        return message.type() == Message.Type.TEXT
                ? new TextWebSocketFrame(payload)
                : new BinaryWebSocketFrame(payload);
    }

    /** Whether a message may be queued now: SENT when it may, else why not. */
    private SendResult admit() {
        // a socket that just died is not writable either: that is the client's drop (1006), not a slow consumer
        if (state != State.OPEN || !channel.isActive()) {
            return SendResult.GONE;
        }
        if (!channel.isWritable()) {
            onBufferFull();
            return SendResult.BUFFER_FULL;
        }
        return SendResult.SENT;
    }

    /** Counts a message handed to the socket. */
    void countSent(Message message) {
        messagesOut.increment();
        route.metrics().messageOut(message.size());
        lastActiveNanos = services.ticker().nanoTime();
    }

    /** The socket, or the last one of a reliable session that is waiting for its client. */
    Channel channel() {
        return channel;
    }

    /**
     * Moves a reliable session to the socket its client resumed on (registered on the same event
     * loop): the ping and idle clocks start again, since the old socket's missing pong says
     * nothing about the new one. On the event loop only.
     */
    void replaceChannel(Channel resumed) {
        this.channel = resumed;
        long now = services.ticker().nanoTime();
        lastActiveNanos = now;
        lastPingNanos = now;
        pingOutstandingSinceNanos = -1;
        budgetSpent = !resumed.isWritable();
        pingsWhileSpent = 0;
        releaseOwedPong();
    }

    /** Runs {@code then} on the event loop once every received message reached its function. */
    void whenTransferIdle(Runnable then) {
        pump.whenIdle(then);
    }

    /**
     * Leaves this node without a cleanup, for a reliable session that moved to another node: out
     * of the registry and the local groups, no timers. The cluster records are the new node's to
     * write. On the event loop, with the transfer queue idle.
     */
    void detachForMove() {
        state = State.CLOSED;
        cleanupDispatched = true;
        services.registry().remove(this);
        releaseUser();
        services.groups().leaveAll(this);
        services.sweeper(channel).untrack(this);
        services.unfinished().finished();
        route.metrics().movedAway();
        pump.stop(false);
        if (services.backplane() != null) {
            services.backplane().movedAway(id);
        }
        services.journal().finished(id); // the node it moved to records it now
        log.atInfo()
                .addKeyValue("conn", id)
                .addKeyValue("route", route.path())
                .log("moved to another node (in {}, out {})", messagesIn, messagesOut.sum());
    }

    long messagesIn() {
        return messagesIn;
    }

    long messagesOut() {
        return messagesOut.sum();
    }

    /** Marks the connection as compressing (permessage-deflate): it cannot take shared frames. */
    /** Names the connection's user; set before it opens. */
    void authorizer(@Nullable ObjectNode value) {
        this.authorizer = value;
    }

    @Nullable
    ObjectNode authorizer() {
        return authorizer;
    }

    void userId(@Nullable String value) {
        this.userId = value;
    }

    @Override
    public @Nullable String userId() {
        return userId;
    }

    /**
     * Counts this connection for its user within {@code limits.max-connections-per-user}; false
     * when the user holds as many as it may. A connection without a user is always admitted.
     */
    boolean admitUser() {
        String user = userId;
        if (user == null
                || !services.registry().admitUser(user, services.limits().maxConnectionsPerUser())) {
            return user == null;
        }
        userAdmitted.set(true);
        return true;
    }

    void tokenExpiry(@Nullable TokenExpiry value) {
        this.tokenExpiry = value;
    }

    @Nullable
    TokenExpiry tokenExpiry() {
        return tokenExpiry;
    }

    /**
     * Verifies {@code token} as this connection's next token (the route's {@code auth}, the same
     * user as its first token); once verified, the connection expires at the new token's
     * {@code exp} instead. Fails with 4001 on a route without {@code auth}, else as {@link
     * TokenAuth#verifyRefresh} does.
     */
    @Override
    public CompletionStage<TokenExpiry> refreshToken(String token) {
        TokenAuth auth = route.auth();
        TokenExpiry current = tokenExpiry;
        if (auth == null || current == null) {
            return CompletableFuture.failedFuture(new SwitchboardException(
                    ErrorCode.INVALID_FIELD, "secConnectionID " + id + ": its route has no token auth to refresh"));
        }
        return auth.verifyRefresh(token, current.userId()).thenApply(verified -> {
            TokenExpiry renewed = TokenExpiry.of(verified, services.ticker());
            tokenExpiry = renewed;
            return renewed;
        });
    }

    /** Answers the client's own refresh message; it never reaches the functions. */
    private void answerRefresh(String token) {
        refreshToken(token)
                .whenComplete((renewed, error) -> channel.eventLoop().execute(() -> {
                    SwitchboardException refused = null;
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause()
                                : error;
                        refused = cause instanceof SwitchboardException known
                                ? known
                                : new SwitchboardException(ErrorCode.TOKEN_INVALID, "invalid token: " + cause);
                        log.atInfo()
                                .addKeyValue("conn", id)
                                .addKeyValue("route", route.path())
                                .log("token refresh refused: {}", refused.getMessage());
                    }
                    if (state == State.OPEN) {
                        reply(RefreshFrame.answer(renewed, refused));
                    }
                }));
    }

    private void releaseUser() {
        String user = userId;
        if (user != null && userAdmitted.compareAndSet(true, false)) {
            services.registry().releaseUser(user);
        }
    }

    void compressed(boolean value) {
        this.compressed = value;
    }

    void onBufferFull() {
        if (services.limits().slowConsumer() == SlowConsumerPolicy.DROP) {
            log.atDebug()
                    .addKeyValue("conn", id)
                    .addKeyValue("route", route.path())
                    .log("message dropped: outbound buffer full (slow-consumer: drop)");
            return;
        }
        if (slowConsumer.compareAndSet(false, true)) {
            log.atInfo()
                    .addKeyValue("conn", id)
                    .addKeyValue("route", route.path())
                    .log(
                            "outbound buffer full ({} bytes): closing as a slow consumer",
                            services.limits().outboundBufferBytes());
            close(SLOW_CONSUMER);
        }
    }

    @Override
    public void close(CloseCause cause) {
        if (channel.eventLoop().inEventLoop()) {
            closeOnLoop(cause);
        } else {
            channel.eventLoop().execute(() -> closeOnLoop(cause));
        }
    }

    /** A complete data message arrived. */
    void onMessage(Message message) {
        if (state != State.OPEN) {
            return;
        }
        long now = services.ticker().nanoTime();
        if (!messageRate.take(now)) {
            closeOnLoop(MESSAGE_RATE_EXCEEDED);
            return;
        }
        messagesIn++;
        route.metrics().messageIn(message.size());
        lastActiveNanos = now;
        TokenAuth auth = route.auth();
        String refresh = auth == null
                ? null
                : RefreshFrame.tokenOf(message, auth.config().maxTokenBytes());
        if (refresh != null) {
            answerRefresh(refresh);
            return;
        }
        pump.offer(message);
    }

    /**
     * Answers a client's ping at once while its outbound budget lasts. Once it is spent, only the
     * latest ping is answered, when the client has read enough (RFC 6455 §5.5.3 allows that). A
     * client that pings without reading the pongs is closed with 1008: more than
     * {@value #MAX_UNREAD_PONGS} pongs unread when the budget runs out, or as many pings while it
     * is spent.
     */
    void onPing(ByteBuf content) {
        if (state != State.OPEN) {
            return;
        }
        if (!pingRate.take(services.ticker().nanoTime())) {
            closeOnLoop(PING_FLOOD);
            return;
        }
        if (!budgetSpent) {
            ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
            if (outbound == null || outbound.totalPendingWriteBytes() == 0) {
                pongsUnread = 0;
            }
            pongsUnread++;
            // flushed once the read that brought the ping is done (flushPongs), not one by one
            channel.write(new PongWebSocketFrame(content.retain()), channel.voidPromise());
            pongsToFlush = true;
            return;
        }
        if (++pingsWhileSpent > MAX_UNREAD_PONGS) {
            closeOnLoop(PING_FLOOD);
            return;
        }
        releaseOwedPong();
        owedPong = content.retain();
    }

    /**
     * Flushes the pongs answered during the read that just ended: a client sending many pings
     * at once costs one write to the socket per read, not one per ping.
     */
    void flushPongs() {
        if (pongsToFlush) {
            pongsToFlush = false;
            channel.flush();
        }
    }

    /**
     * The socket's writability changed: {@code outbound-buffer-bytes} (everything queued for the
     * client: data, pongs, acknowledgements, close frames) is the budget. While it is spent the
     * gateway stops reading, so a client that does not read cannot make it hold more.
     */
    void onWritabilityChanged(Channel socket) {
        if (socket != channel) {
            // a reliable session's previous socket
            return;
        }
        boolean spent = !channel.isWritable();
        if (spent == budgetSpent) {
            return;
        }
        budgetSpent = spent;
        if (spent && pongsUnread > MAX_UNREAD_PONGS && state == State.OPEN) {
            // its own pongs spent the budget; closed after the write under way has returned
            channel.eventLoop().execute(() -> closeOnLoop(PING_FLOOD));
        }
        if (!spent) {
            pingsWhileSpent = 0;
            ByteBuf pong = owedPong;
            owedPong = null;
            if (pong != null && state == State.OPEN) {
                channel.writeAndFlush(new PongWebSocketFrame(pong), channel.voidPromise());
            } else if (pong != null) {
                pong.release();
            }
        }
        if (state == State.OPEN) {
            channel.config().setAutoRead(readingAllowed());
        } else if (state == State.CLOSING) {
            channel.config().setAutoRead(readingWhileClosing());
        }
    }

    /**
     * Whether a closing socket is read, for the client's close frame: once it has read what the
     * gateway owes it, and never after a close for abuse. A client closed for flooding pings or
     * messages would go on flooding, and reading and dropping that traffic until
     * {@code close-timeout} costs the event loop it shares with other clients; its socket is
     * closed at {@code close-timeout} instead, its close frame sent and its output shut down.
     */
    private boolean readingWhileClosing() {
        return !budgetSpent && closeCause != PING_FLOOD && closeCause != MESSAGE_RATE_EXCEEDED;
    }

    private void releaseOwedPong() {
        if (owedPong != null) {
            owedPong.release();
            owedPong = null;
        }
    }

    /** Whether the socket may be read: neither the transfer queue is full nor the budget spent. */
    boolean readingAllowed() {
        return !queuePaused && !budgetSpent;
    }

    void onPong() {
        pingOutstandingSinceNanos = -1;
    }

    /** The client sent a close frame ({@code code} -1 when it carried none). */
    void onClientClose(int code, String reason) {
        if (state == State.OPEN) {
            int received = code < 0 ? CloseCause.NO_STATUS : code;
            beginClose(new CloseCause(received, reason, ClosedBy.CLIENT));
            CloseWebSocketFrame echo = received == CloseCause.NO_STATUS
                    ? new CloseWebSocketFrame(true, 0)
                    : new CloseWebSocketFrame(received, reason);
            channel.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
        } else {
            // the client answered our close frame: the closing handshake is complete
            channel.close();
        }
    }

    /** The socket closed. Without a close frame before, the client went away (1006). */
    void onChannelInactive() {
        if (state == State.OPEN) {
            beginClose(new CloseCause(CloseCause.ABNORMAL, "", ClosedBy.CLIENT));
        }
        state = State.CLOSED;
        releaseOwedPong();
        services.sweeper(channel).forget(channel);
    }

    /** Closes from the event loop: the gateway initiates, so it sends the close frame. */
    void closeOnLoop(CloseCause cause) {
        if (state != State.OPEN) {
            return;
        }
        beginClose(cause);
        if (!channel.isActive()) {
            return;
        }
        sendCloseFrame(channel, cause.code(), cause.reason(), services);
    }

    /**
     * Sends a close frame, half-closes and keeps reading until the client closes, at most
     * {@code limits.close-timeout}: closing the socket with unread input would reset it, and the
     * client could lose the close frame.
     */
    static void sendCloseFrame(Channel channel, int code, String reason, ClientServices services) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(future -> {
            if (future.isSuccess() && channel instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                channel.close();
            }
        });
        services.sweeper(channel)
                .closeAt(
                        channel,
                        services.ticker().nanoTime()
                                + services.limits().closeTimeout().toNanos());
    }

    private void beginClose(CloseCause cause) {
        state = State.CLOSING;
        closeCause = cause;
        services.registry().remove(this);
        releaseUser();
        Set<String> groupsAtClose = Set.copyOf(groups);
        services.groups().leaveAll(this);
        if (services.backplane() != null) {
            services.backplane().closed(id, route.path(), groupsAtClose);
        }
        route.metrics().closed(cause);
        if (cause.closedBy() == ClosedBy.SLOW_CONSUMER) {
            route.metrics().slowConsumerClosed();
        }
        services.metrics().disconnected(route.path(), id, cause);
        services.sweeper(channel).untrack(this);
        channel.config().setAutoRead(readingWhileClosing());
        log.atInfo()
                .addKeyValue("conn", id)
                .addKeyValue("route", route.path())
                .log(
                        "closed by {}: {} {} (in {}, out {})",
                        cause.closedBy().wireName(),
                        cause.code(),
                        cause.reason(),
                        messagesIn,
                        messagesOut.sum());
        pump.stop(cause.closedBy() == ClosedBy.TRANSFER_ERROR);
    }

    /**
     * Checks token expiry, ping, idle timeout and max lifetime at {@code now}; returns the cause to close with
     * when one has run out. Sends a ping when one is due.
     */
    @Nullable
    CloseCause checkTimers(long now) {
        LimitsConfig limits = services.limits();
        TokenExpiry expiry = tokenExpiry;
        if (expiry != null && expiry.expired(now)) {
            return TokenAuth.TOKEN_EXPIRED;
        }
        if (now - connectedAtNanos >= route.limits().maxLifetime().toNanos()) {
            return new CloseCause(CloseCause.GOING_AWAY, "max lifetime reached", ClosedBy.MAX_LIFETIME);
        }
        if (queuePaused) {
            // the client is sending faster than its function takes: neither idle nor, since its
            // pong waits behind the messages not read yet, missing
            return null;
        }
        if (now - lastActiveNanos >= route.limits().idleTimeout().toNanos()) {
            return new CloseCause(CloseCause.GOING_AWAY, "idle timeout", ClosedBy.IDLE_TIMEOUT);
        }
        long pingInterval = limits.pingInterval().toNanos();
        if (pingOutstandingSinceNanos >= 0) {
            if (now - pingOutstandingSinceNanos >= pingInterval) {
                return NO_PONG;
            }
        } else if (now - lastPingNanos >= pingInterval) {
            lastPingNanos = now;
            pingOutstandingSinceNanos = now;
            channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
        }
        return null;
    }

    /**
     * The registration accepted the connection but its handshake could not be completed (the
     * client left): the function may have recorded it, so it still hears the end.
     */
    void abandon(CloseCause cause) {
        state = State.CLOSED;
        releaseUser();
        closeCause = cause;
        cleanupDispatched = true;
        log.atInfo()
                .addKeyValue("conn", id)
                .addKeyValue("route", route.path())
                .log("lost before open: {}", cause.reason());
        services.cleanup().dispatch(route, requestContext(), id, context, cause, channel.eventLoop());
    }

    /** What the transfer function made of a message. */
    void onTransferOutcome(TransferOutcome outcome) {
        if (outcome instanceof TransferOutcome.Delivered delivered) {
            if (delivered.problem() != null) {
                log.atWarn()
                        .addKeyValue("conn", id)
                        .addKeyValue("route", route.path())
                        .log("transfer reply ignored: {}", delivered.problem());
            }
            Message reply = delivered.reply();
            if (reply != null) {
                reply(reply);
            }
        } else if (outcome instanceof TransferOutcome.Failed failed) {
            boolean close = route.config().onTransferError() == OnTransferError.CLOSE;
            log.atWarn()
                    .addKeyValue("conn", id)
                    .addKeyValue("route", route.path())
                    .log(
                            "transfer failed: {}{}",
                            failed.reason(),
                            close
                                    ? "; closing (on-transfer-error: close)"
                                    : "; message dropped (on-transfer-error: ignore)");
            if (close) {
                closeOnLoop(new CloseCause(CloseCause.INTERNAL_ERROR, "transfer failed", ClosedBy.TRANSFER_ERROR));
            }
        }
    }

    /**
     * Stops reading the socket while the transfer queue is full (TCP backpressure). The ping
     * timer stops too: the client's pong is among the bytes not read.
     */
    void pauseReading() {
        if (state == State.OPEN && !queuePaused) {
            queuePaused = true;
            queuePausedSinceNanos = services.ticker().nanoTime();
            channel.config().setAutoRead(false);
        }
    }

    /** The transfer queue is back to half: reading resumes, and the paused time does not count. */
    void resumeReading() {
        if (!queuePaused) {
            return;
        }
        queuePaused = false;
        long now = services.ticker().nanoTime();
        if (pingOutstandingSinceNanos >= 0) {
            pingOutstandingSinceNanos += now - queuePausedSinceNanos;
        }
        lastActiveNanos = now;
        if (state == State.OPEN) {
            channel.config().setAutoRead(readingAllowed());
        }
    }

    /** Every received message has been handed to the transfer function: time for the cleanup. */
    void onDrained() {
        if (cleanupDispatched || closeCause == null) {
            return;
        }
        cleanupDispatched = true;
        services.cleanup()
                .dispatch(route, requestContext(), id, context, closeCause, channel.eventLoop())
                .whenComplete((ignored, error) -> services.journal().finished(id));
        // after the dispatch: a stopping node that sees no unfinished connection then waits for
        // this cleanup among the pending ones, instead of stopping before it is counted
        services.unfinished().finished();
    }
}
