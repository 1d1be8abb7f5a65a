package dev.switchboard.server.internal.session;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The state that lets one connection outlive its sockets: the sequence numbers of what it sent,
 * the replay buffer of what its client has not acknowledged, the last client message id it took,
 * its current resume token, and whether a socket is attached or the session is parked, waiting
 * for its client to resume. It only decides; the connection writes what it returns, on its event
 * loop and in sequence order. Every method is thread-safe (messages are stored from any thread).
 */
public final class ReliableSession {
    /** Client messages taken between two acknowledgements at most; the sweep acknowledges the rest. */
    static final int ACK_EVERY = 64;

    /** What became of a message handed to the session. */
    public enum Stored {
        /** Numbered and kept; the connection writes it now. */
        SEND,
        /** Numbered and kept; it goes out after the welcome, which the handshake sends. */
        HELD,
        /** Numbered and kept for the client's resume: no socket is attached. */
        QUEUED,
        /** Not kept: the session has ended (closed, or its window ran out). */
        ENDED,
        /**
         * Kept, but older messages the parked session's client has not got had to leave the
         * replay buffer for it: the client could not resume any more, so the session has ended.
         */
        OVERFLOWED
    }

    private final String id;
    private final ReliableConfig config;
    private final ReplayBuffer buffer;
    private String token = ResumeTokens.next();
    private long lastSeq;
    /** Frames stored for the attached socket (or the coming welcome) and not written yet, in order. */
    private final ArrayDeque<Message> pending = new ArrayDeque<>();

    private boolean welcomed;
    private boolean attached;
    private @Nullable CloseCause parkedBy;
    private long parkedAtNanos;
    private long lastClientId;
    private long acknowledgedClientId;
    private boolean flushScheduled;
    private boolean ended;

    public ReliableSession(String id, ReliableConfig config) {
        this.id = id;
        this.config = config;
        this.buffer = new ReplayBuffer(config.replayMaxMessages(), config.replayMaxBytes());
    }

    /** The session id: the connection's {@code secConnectionID}. */
    public String id() {
        return id;
    }

    public ReliableConfig config() {
        return config;
    }

    /** Numbers {@code message} and keeps it until the client acknowledges it. */
    public synchronized Stored store(Message message, long nowNanos) {
        if (ended) {
            return Stored.ENDED;
        }
        long seq = ++lastSeq;
        Message frame = ReliableFrames.data(seq, message);
        int dropped = buffer.add(seq, frame, nowNanos);
        if (dropped > 0 && parkedBy != null) {
            ended = true;
            return Stored.OVERFLOWED;
        }
        if (!welcomed) {
            pending.addLast(frame);
            return Stored.HELD;
        }
        if (!attached) {
            return Stored.QUEUED;
        }
        // written from here, not from the replay buffer: a message may leave the buffer (a limit)
        // before the event loop writes it, and must still be sent
        pending.addLast(frame);
        return Stored.SEND;
    }

    /** True while a socket is attached (after the welcome, until a drop). */
    public synchronized boolean isAttached() {
        return attached;
    }

    /** True once the client has been sent the session id and its first token. */
    public synchronized boolean isWelcomed() {
        return welcomed;
    }

    /**
     * Asks for a flush of what is stored but not written yet; true when the caller must schedule
     * one (none is pending).
     */
    public synchronized boolean requestFlush() {
        if (flushScheduled || !attached) {
            return false;
        }
        flushScheduled = true;
        return true;
    }

    /** The frames stored but not written to the attached socket yet, in order; marks them written. */
    public synchronized List<Message> unwritten() {
        flushScheduled = false;
        if (!attached) {
            return List.of();
        }
        List<Message> frames = new ArrayList<>(pending);
        pending.clear();
        return frames;
    }

    /**
     * Attaches the first socket: returns the welcome frame (session id, first token, window),
     * to be written before {@link #unwritten}.
     */
    public synchronized Message welcome() {
        welcomed = true;
        attached = true;
        return ReliableFrames.welcome(id, token, config.resumeWindow().toMillis());
    }

    /** The client has every message up to {@code seq}. */
    public synchronized void acknowledged(long seq) {
        buffer.acknowledge(Math.min(seq, lastSeq));
    }

    /** What a client message's id says about it. */
    public enum Taken {
        /** The next message: the transfer function gets it. */
        NEW,
        /** A message the session already took, resent after a resume: dropped. */
        DUPLICATE,
        /** An id past the next one: messages in between were never sent, a protocol error. */
        GAP
    }

    /** A client message with id {@code messageId} arrived. */
    public synchronized Taken take(long messageId) {
        if (messageId <= lastClientId) {
            return Taken.DUPLICATE;
        }
        if (messageId != lastClientId + 1) {
            return Taken.GAP;
        }
        lastClientId = messageId;
        return Taken.NEW;
    }

    /** The id of the last client message the session took. */
    public synchronized long lastClientId() {
        return lastClientId;
    }

    /** An acknowledgement frame when enough client messages were taken since the last one. */
    public synchronized @Nullable Message ackIfDue(boolean evenOne) {
        long unacknowledged = lastClientId - acknowledgedClientId;
        if (!attached || unacknowledged == 0 || (!evenOne && unacknowledged < ACK_EVERY)) {
            return null;
        }
        acknowledgedClientId = lastClientId;
        return ReliableFrames.ack(lastClientId);
    }

    /** The socket dropped: the session waits {@code resume-window} for its client from {@code nowNanos}. */
    public synchronized void park(CloseCause cause, long nowNanos) {
        attached = false;
        flushScheduled = false;
        // what the dead socket did not get is still in the replay buffer, for the resume
        pending.clear();
        parkedBy = cause;
        parkedAtNanos = nowNanos;
    }

    /** The session ends: {@link #store} keeps nothing more. */
    public synchronized void end() {
        ended = true;
    }

    /** True while no socket is attached after a drop. */
    public synchronized boolean isParked() {
        return parkedBy != null;
    }

    /** Why the session was parked (null when it is not). */
    public synchronized @Nullable CloseCause parkedBy() {
        return parkedBy;
    }

    /**
     * The periodic check: drops messages past the replay buffer's age limit and, for a parked
     * session whose window has run out, returns the cause to end it with.
     */
    public synchronized @Nullable CloseCause sweep(long nowNanos) {
        buffer.expire(nowNanos - config.replayMaxAge().toNanos());
        if (parkedBy != null
                && nowNanos - parkedAtNanos >= config.resumeWindow().toNanos()) {
            return parkedBy.withResumeExpired();
        }
        return null;
    }

    /**
     * Whether a client presenting {@code presented} and having every message up to
     * {@code lastSeq} may take the session over; null when it may, else why not.
     */
    public synchronized @Nullable Refusal check(String presented, long lastSeq) {
        if (!ResumeTokens.matches(token, presented)) {
            return new Refusal(
                    ErrorCode.RESUME_TOKEN_REFUSED,
                    "the resume token of session " + id + " is not its current one (wrong, or spent by an earlier"
                            + " resume)");
        }
        if (lastSeq > this.lastSeq) {
            return new Refusal(
                    ErrorCode.INVALID_FIELD,
                    "sb-seq: " + lastSeq + " (expected: at most " + this.lastSeq + ", the last message sent)");
        }
        if (lastSeq < buffer.lostUpTo()) {
            return new Refusal(
                    ErrorCode.RESUME_GAP,
                    "the replay buffer of session " + id + " no longer holds message " + (lastSeq + 1)
                            + " (it dropped every message up to " + buffer.lostUpTo() + ")");
        }
        return null;
    }

    /**
     * Attaches the socket of a client that passed {@link #check}: a new token, and the frame that
     * tells the client so; the connection then writes {@link #unwritten}, the replay of every
     * message after {@code lastSeq}.
     */
    public synchronized Message resume(long lastSeq) {
        buffer.acknowledge(lastSeq);
        token = ResumeTokens.next();
        welcomed = true;
        attached = true;
        parkedBy = null;
        pending.clear();
        for (ReplayBuffer.Entry entry : buffer.after(lastSeq)) {
            pending.addLast(entry.message());
        }
        return ReliableFrames.resumed(
                id, token, lastClientId, this.lastSeq, config.resumeWindow().toMillis());
    }

    /** Messages kept for replay, for the admin API. */
    public synchronized int buffered() {
        return buffer.size();
    }

    /** The last sequence number given out. */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    /**
     * Ends the session here to move it to another node: what it knows, for {@link #restore}.
     * Nothing is stored after this.
     */
    public synchronized Snapshot handOver() {
        ended = true;
        List<ReplayBuffer.Entry> kept = buffer.after(0);
        List<Message> frames = new ArrayList<>(kept.size());
        kept.forEach(entry -> frames.add(entry.message()));
        long firstSeq = kept.isEmpty() ? lastSeq + 1 : kept.get(0).seq();
        return new Snapshot(lastSeq, lastClientId, buffer.lostUpTo(), firstSeq, frames, parkedBy);
    }

    /**
     * A session moved here from another node, parked and waiting for the resume that asked for
     * it with {@code token} (checked by the node it came from). Its kept messages count as sent
     * {@code nowNanos} for the age limit.
     */
    public static ReliableSession restore(
            String id, ReliableConfig config, Snapshot snapshot, String token, long nowNanos) {
        ReliableSession session = new ReliableSession(id, config);
        session.token = token;
        session.lastSeq = snapshot.lastSeq();
        session.lastClientId = snapshot.lastClientId();
        session.acknowledgedClientId = snapshot.lastClientId();
        session.buffer.lost(snapshot.lostUpTo());
        long seq = snapshot.firstSeq();
        for (Message frame : snapshot.frames()) {
            session.buffer.add(seq++, frame, nowNanos);
        }
        session.welcomed = true;
        session.parkedBy = snapshot.parkedBy() != null
                ? snapshot.parkedBy()
                : new CloseCause(CloseCause.ABNORMAL, "", dev.switchboard.core.model.ClosedBy.CLIENT);
        session.parkedAtNanos = nowNanos;
        return session;
    }

    /**
     * What moves with a session between nodes.
     *
     * @param lastSeq the last sequence number given out
     * @param lastClientId the last client message id taken (and delivered to the transfer function)
     * @param lostUpTo the last message that left the replay buffer unacknowledged
     * @param firstSeq the sequence number of the first of {@code frames}
     * @param frames the replay buffer, framed, oldest first, numbered from {@code firstSeq}
     * @param parkedBy the drop that parked the session
     */
    public record Snapshot(
            long lastSeq,
            long lastClientId,
            long lostUpTo,
            long firstSeq,
            List<Message> frames,
            @Nullable CloseCause parkedBy) {}

    /** Why a resume is refused: the error the client's {@code reset} frame carries. */
    public record Refusal(ErrorCode code, String message) {}
}
