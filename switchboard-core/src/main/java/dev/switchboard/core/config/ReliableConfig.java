package dev.switchboard.core.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

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
 * @throws ConfigException keyed relative to the route when a value is not positive or the
 *     replay buffer's age is shorter than the window
 */
public record ReliableConfig(Duration resumeWindow, int replayMaxMessages, int replayMaxBytes, Duration replayMaxAge) {
    /** The name of the subprotocol clients offer to get a reliable session. */
    public static final String SUBPROTOCOL = "switchboard.reliable.v1";

    public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofSeconds(30);
    public static final int DEFAULT_REPLAY_MAX_MESSAGES = 1000;
    public static final int DEFAULT_REPLAY_MAX_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_REPLAY_MAX_AGE = Duration.ofMinutes(2);

    public ReliableConfig {
        ConfigRules.positive("resume-window", resumeWindow);
        ConfigRules.positive("replay-buffer.max-messages", replayMaxMessages);
        ConfigRules.positive("replay-buffer.max-bytes", replayMaxBytes);
        if (replayMaxAge.compareTo(resumeWindow) < 0) {
            // a parked session whose oldest message ages out ends: the window would be a lie
            throw new ConfigException("replay-buffer.max-age: " + Units.format(replayMaxAge)
                    + " (expected: at least the resume-window, " + Units.format(resumeWindow) + ")");
        }
    }

    /** A window of {@value #DEFAULT_REPLAY_MAX_MESSAGES} messages, 1 MiB, and at least 2 minutes. */
    public static ReliableConfig withWindow(Duration resumeWindow) {
        return builder().resumeWindow(resumeWindow).build();
    }

    /** The defaults: a 30 s window and the default replay buffer. */
    public static ReliableConfig defaults() {
        return builder().build();
    }

    /** The replay buffer's default max age for {@code resumeWindow}: the window, and at least 2 minutes. */
    public static Duration defaultReplayMaxAge(Duration resumeWindow) {
        return resumeWindow.compareTo(DEFAULT_REPLAY_MAX_AGE) > 0 ? resumeWindow : DEFAULT_REPLAY_MAX_AGE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same with other replay buffer limits. */
    public ReliableConfig withReplayLimits(int maxMessages, int maxBytes, Duration maxAge) {
        return builder()
                .resumeWindow(resumeWindow)
                .replayMaxMessages(maxMessages)
                .replayMaxBytes(maxBytes)
                .replayMaxAge(maxAge)
                .build();
    }

    /** Builds {@link ReliableConfig}; every setting starts at its default. */
    public static final class Builder {
        private Duration resumeWindow = DEFAULT_RESUME_WINDOW;
        private int replayMaxMessages = DEFAULT_REPLAY_MAX_MESSAGES;
        private int replayMaxBytes = DEFAULT_REPLAY_MAX_BYTES;
        private @Nullable Duration replayMaxAge;

        private Builder() {}

        /** How long a dropped session waits for its client (default 30 s). */
        public Builder resumeWindow(Duration value) {
            this.resumeWindow = value;
            return this;
        }

        /** Most unacknowledged messages kept per session (default {@value #DEFAULT_REPLAY_MAX_MESSAGES}). */
        public Builder replayMaxMessages(int value) {
            this.replayMaxMessages = value;
            return this;
        }

        /** Most payload bytes of unacknowledged messages kept per session (default 1 MiB). */
        public Builder replayMaxBytes(int value) {
            this.replayMaxBytes = value;
            return this;
        }

        /** Oldest unacknowledged message kept (default: the window, and at least 2 minutes). */
        public Builder replayMaxAge(Duration value) {
            this.replayMaxAge = value;
            return this;
        }

        /**
         * Builds the config.
         *
         * @throws ConfigException keyed relative to the route when a rule is broken
         */
        public ReliableConfig build() {
            return new ReliableConfig(
                    resumeWindow,
                    replayMaxMessages,
                    replayMaxBytes,
                    replayMaxAge != null ? replayMaxAge : defaultReplayMaxAge(resumeWindow));
        }
    }
}
