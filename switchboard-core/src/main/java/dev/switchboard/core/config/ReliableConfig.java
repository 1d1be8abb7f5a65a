package dev.switchboard.core.config;

import java.time.Duration;

/**
 * Reliable sessions on a route ({@code routes[].resume-window} and {@code routes[].replay-buffer}):
 * a client that offers the subprotocol {@code switchboard.reliable.v1} gets numbered messages, a
 * resume token and a session that outlives its socket. When the socket drops without a close
 * frame the session waits {@code resumeWindow} for the client to come back; meanwhile it keeps
 * its id, context and groups, and pushes to it are queued. A session that is not resumed in time
 * ends: its cleanup runs with {@code resumeExpired: true}.
 *
 * <p>The replay buffer holds the messages sent to the client that it has not acknowledged yet,
 * within three limits. Past any of them the oldest messages leave the buffer; a client whose
 * missing messages left it cannot resume (it is told to {@code reset}), and a parked session
 * that has to drop a message ends at once, since its client could not resume anyway.
 *
 * @param resumeWindow how long a dropped session waits for its client
 * @param replayMaxMessages most unacknowledged messages kept per session
 * @param replayMaxBytes most payload bytes of unacknowledged messages kept per session
 * @param replayMaxAge oldest unacknowledged message kept; at least {@code resumeWindow}
 */
public record ReliableConfig(Duration resumeWindow, int replayMaxMessages, int replayMaxBytes, Duration replayMaxAge) {
    /** The name of the subprotocol clients offer to get a reliable session. */
    public static final String SUBPROTOCOL = "switchboard.reliable.v1";

    public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofSeconds(30);
    public static final int DEFAULT_REPLAY_MAX_MESSAGES = 1000;
    public static final int DEFAULT_REPLAY_MAX_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_REPLAY_MAX_AGE = Duration.ofMinutes(2);

    /** A window of {@value #DEFAULT_REPLAY_MAX_MESSAGES} messages, 1 MiB, and at least 2 minutes. */
    public static ReliableConfig withWindow(Duration resumeWindow) {
        return new ReliableConfig(
                resumeWindow,
                DEFAULT_REPLAY_MAX_MESSAGES,
                DEFAULT_REPLAY_MAX_BYTES,
                resumeWindow.compareTo(DEFAULT_REPLAY_MAX_AGE) > 0 ? resumeWindow : DEFAULT_REPLAY_MAX_AGE);
    }

    /** The defaults: a 30 s window and the default replay buffer. */
    public static ReliableConfig defaults() {
        return withWindow(DEFAULT_RESUME_WINDOW);
    }

    /** The same with other replay buffer limits. */
    public ReliableConfig withReplayLimits(int maxMessages, int maxBytes, Duration maxAge) {
        return new ReliableConfig(resumeWindow, maxMessages, maxBytes, maxAge);
    }
}
