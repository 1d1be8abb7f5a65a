package dev.switchboard.server.internal.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.cluster.ForwardReply;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.Message;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.lifecycle.SendResult;
import dev.switchboard.server.internal.lifecycle.SharedFrame;
import dev.switchboard.server.internal.session.ClientFrame;
import dev.switchboard.server.internal.session.ReliableFrames;
import dev.switchboard.server.internal.session.ReliableSession;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection that speaks {@code switchboard.reliable.v1}: every message to the client is
 * numbered and kept until acknowledged, every message from it carries an id so a resent one
 * reaches the transfer function once, and a socket that drops without a close frame (or stops
 * answering pings) parks the session instead of ending it. A parked session stays registered and
 * in its groups, its pushes are queued, and its transfer queue keeps draining; when its client
 * resumes on a new socket ({@link ResumeHandshake}), the missed messages are replayed and it goes
 * on. Frames are written only on the event loop, in sequence order, whichever thread stored them.
 */
final class ReliableConnection extends Connection {
    private static final Logger log = LoggerFactory.getLogger(ReliableConnection.class);

    private final ReliableSession session;
    private final ClientServices services;
    private boolean handingOver;
    private volatile boolean deflate;

    ReliableConnection(
            String id,
            Route route,
            Channel channel,
            String sourceIp,
            @Nullable String userAgent,
            @Nullable ObjectNode context,
            long connectedAtMillis,
            ClientServices services,
            ReliableSession session) {
        super(
                id,
                route,
                channel,
                sourceIp,
                userAgent,
                ReliableConfig.SUBPROTOCOL,
                context,
                connectedAtMillis,
                services);
        this.session = session;
        this.services = services;
    }

    ReliableSession session() {
        return session;
    }

    @Override
    public SendResult send(Message message) {
        if (!isOpen()) {
            return SendResult.GONE;
        }
        Channel channel = channel();
        // a socket that just died is not writable either: that is a drop, not a slow consumer
        if (session.isAttached() && channel.isActive() && !channel.isWritable()) {
            onBufferFull();
            return SendResult.BUFFER_FULL;
        }
        ReliableSession.Stored stored = session.store(message, services.ticker().nanoTime());
        switch (stored) {
            case SEND -> {
                countSent(message);
                requestFlush();
                return SendResult.SENT;
            }
            case HELD -> {
                countSent(message);
                return SendResult.SENT;
            }
            case QUEUED -> {
                return SendResult.QUEUED;
            }
            case ENDED -> {
                return SendResult.GONE;
            }
            case OVERFLOWED -> {
                endOverflowed();
                return SendResult.GONE;
            }
        }
        throw new IllegalStateException("unhandled " + stored);
    }

    /**
     * The replay buffer of the parked session overflowed: its client can no longer resume
     * without a gap, so the session ends now, as if its window had run out.
     */
    private void endOverflowed() {
        CloseCause dropped = session.parkedBy();
        CloseCause cause = (dropped != null ? dropped : new CloseCause(CloseCause.ABNORMAL, "", ClosedBy.CLIENT))
                .withResumeExpired();
        log.atInfo()
                .addKeyValue("conn", id())
                .addKeyValue("route", route().path())
                .log("replay buffer full while parked: ending the session");
        route().metrics().session("overflowed");
        close(cause);
    }

    /** Numbered frames differ per session: a shared encoding cannot be used. */
    /** A reply is one more message of the session's stream, numbered and kept like a push. */
    @Override
    void reply(Message message) {
        send(message);
    }

    @Override
    public SendResult send(SharedFrame frame) {
        return send(frame.message());
    }

    private void requestFlush() {
        if (!session.requestFlush()) {
            return;
        }
        Channel channel = channel();
        if (channel.eventLoop().inEventLoop()) {
            flush();
        } else {
            channel.eventLoop().execute(this::flush);
        }
    }

    /** Writes what is stored and not written yet, in order. On the event loop only. */
    private void flush() {
        List<Message> frames = session.unwritten();
        if (frames.isEmpty()) {
            return;
        }
        Channel channel = channel();
        for (Message frame : frames) {
            channel.write(webSocketFrame(frame), channel.voidPromise());
        }
        channel.flush();
    }

    private void write(Message frame) {
        Channel channel = channel();
        channel.writeAndFlush(webSocketFrame(frame), channel.voidPromise());
    }

    private static WebSocketFrame webSocketFrame(Message frame) {
        return frame.type() == Message.Type.TEXT
                ? new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.payload()))
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame.payload()));
    }

    /** The handshake is written: the client learns its session id and token, then gets what waited. */
    void welcome() {
        write(session.welcome());
        flush();
    }

    /**
     * Moves the session to {@code resumed}, a socket on this connection's event loop whose client
     * passed the resume check: the old socket (if it still looks alive) is dropped, the client is
     * told its next token, and every message after {@code lastSeq} is replayed.
     */
    void resume(Channel resumed, long lastSeq) {
        Channel old = channel();
        replaceChannel(resumed);
        resumed.attr(KEY).set(this);
        if (old != resumed && old.isOpen()) {
            old.close();
        }
        write(session.resume(lastSeq));
        flush();
        resumed.config().setAutoRead(readingAllowed());
        route().metrics().session("resumed");
        if (!resumed.isActive()) {
            // the new socket died before its frame handler could hear of it: wait for the next one
            park(new CloseCause(CloseCause.ABNORMAL, "", ClosedBy.CLIENT));
        }
        log.atInfo()
                .addKeyValue("conn", id())
                .addKeyValue("route", route().path())
                .log("resumed from {} after message {} of {}", sourceIp(), lastSeq, session.lastSeq());
    }

    /**
     * Hands the session to {@code node}, whose client presented {@code token} and {@code lastSeq}
     * there. On the event loop. After the token check the session parks (an old socket that still
     * looks alive is closed), and once every message its client sent has reached the transfer
     * function it leaves this node without a cleanup: pushes routed here by its id follow it to
     * {@code node}. {@code reply} completes with its state, or with why it cannot move.
     */
    void handOver(String token, long lastSeq, String node, CompletableFuture<ForwardReply> reply) {
        ReliableSession.Refusal refusal = !isOpen() || handingOver
                ? new ReliableSession.Refusal(
                        ErrorCode.SESSION_GONE,
                        "no session " + id() + " to resume: it closed, or another node is taking it over")
                : session.check(token, lastSeq);
        if (refusal != null) {
            if (refusal.code() == ErrorCode.RESUME_GAP) {
                endGap();
            }
            reply.complete(SessionHandover.refused(refusal));
            return;
        }
        handingOver = true;
        // the asking node waits the forward timeout plus the transfer timeout: past this, it
        // would no longer take the answer, and the session must stay here
        long deadline = services.ticker().nanoTime()
                + route().config().transferTimeout().toNanos();
        if (!session.isParked()) {
            park(new CloseCause(CloseCause.ABNORMAL, "", ClosedBy.CLIENT));
            channel().close();
        }
        whenTransferIdle(() -> {
            handingOver = false;
            if (services.ticker().nanoTime() - deadline > 0) {
                reply.complete(SessionHandover.refused(new ReliableSession.Refusal(
                        ErrorCode.BACKPLANE_UNAVAILABLE,
                        "session " + id() + " is still waiting for its transfer function; it stays on this node")));
                return;
            }
            if (!isOpen() || !session.isParked()) {
                // the window ran out, or the client resumed here meanwhile
                reply.complete(SessionHandover.refused(new ReliableSession.Refusal(
                        ErrorCode.SESSION_GONE, "session " + id() + " ended or resumed elsewhere meanwhile")));
                return;
            }
            // the redirect comes first: a push that finds the session ended from here on finds
            // where it went; the state (groups included) is read before it leaves its groups here
            services.moves().moved(id(), node);
            ForwardReply state = SessionHandover.state(this, session.handOver());
            detachForMove();
            reply.complete(state);
        });
    }

    /** A resume asked for messages that left the replay buffer: the session ends now. */
    void endGap() {
        CloseCause dropped = session.parkedBy();
        closeOnLoop((dropped != null ? dropped : new CloseCause(CloseCause.ABNORMAL, "", ClosedBy.CLIENT))
                .withResumeExpired());
    }

    /** Whether the client was offered permessage-deflate, to offer it again on resume. */
    boolean deflate() {
        return deflate;
    }

    @Override
    void compressed(boolean value) {
        super.compressed(value);
        this.deflate = value;
    }

    /** A session that ends takes no more messages: a push now answers 410, not 202. */
    @Override
    void closeOnLoop(CloseCause cause) {
        session.end();
        super.closeOnLoop(cause);
    }

    @Override
    void onClientClose(int code, String reason) {
        session.end();
        super.onClientClose(code, reason);
    }

    @Override
    void onMessage(Message frame) {
        if (!isOpen()) {
            return;
        }
        ClientFrame parsed = ReliableFrames.parse(frame);
        if (parsed instanceof ClientFrame.Data data) {
            switch (session.take(data.id())) {
                case NEW -> super.onMessage(data.message());
                case DUPLICATE -> {}
                case GAP -> {
                    // acknowledging past the gap would tell the client the skipped messages arrived
                    protocolError("message id " + data.id() + " after " + session.lastClientId()
                            + " (expected: ids increasing by 1)");
                    return;
                }
            }
            Message ack = session.ackIfDue(false);
            if (ack != null) {
                write(ack);
            }
        } else if (parsed instanceof ClientFrame.Ack ack) {
            session.acknowledged(ack.seq());
        } else if (parsed instanceof ClientFrame.Invalid invalid) {
            protocolError(invalid.problem());
        }
    }

    private void protocolError(String problem) {
        log.atInfo()
                .addKeyValue("conn", id())
                .addKeyValue("route", route().path())
                .log("protocol error from client (1002): {}", problem);
        closeOnLoop(new CloseCause(CloseCause.PROTOCOL_ERROR, "protocol error", ClosedBy.SERVER));
    }

    /**
     * The socket closed. Without a close frame, a welcomed session parks; a socket that another
     * one already replaced is of no concern any more.
     */
    @Override
    void onChannelInactive() {
        if (channel().isActive() || session.isParked()) {
            return;
        }
        if (!isOpen() || !session.isWelcomed()) {
            super.onChannelInactive();
            return;
        }
        park(new CloseCause(CloseCause.ABNORMAL, "", ClosedBy.CLIENT));
    }

    private void park(CloseCause cause) {
        session.park(cause, services.ticker().nanoTime());
        route().metrics().session("parked");
        log.atInfo()
                .addKeyValue("conn", id())
                .addKeyValue("route", route().path())
                .log(
                        "parked after {} {}: waiting {} for a resume ({} messages kept)",
                        cause.code(),
                        cause.reason(),
                        session.config().resumeWindow(),
                        session.buffered());
    }

    /**
     * A parked session only waits for its window; an attached one has its usual timers, except
     * that a missing pong parks it (the network is gone, not the client), and it acknowledges the
     * client messages taken since the last acknowledgement.
     */
    @Override
    @Nullable
    CloseCause checkTimers(long now) {
        CloseCause expired = session.sweep(now);
        if (session.isParked()) {
            if (expired != null) {
                route().metrics().session("expired");
            }
            return expired;
        }
        CloseCause cause = super.checkTimers(now);
        if (cause == NO_PONG) {
            park(cause);
            channel().close();
            return null;
        }
        Message ack = session.ackIfDue(true);
        if (ack != null) {
            write(ack);
        }
        return cause;
    }
}
