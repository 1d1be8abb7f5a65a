package dev.switchboard.core.model;

/**
 * Why a connection ended: the WebSocket close code and reason (sent to the client when the
 * gateway closes, or received from it) and who ended it.
 *
 * @param code WebSocket close code; 1005 when the client's close frame had none, 1006 when the
 *     TCP connection ended without a close frame
 * @param reason close reason, possibly empty
 * @param closedBy who or what ended the connection
 * @param resumeExpired true when a reliable session ended because its client did not resume it
 *     within its resume window; code, reason and closedBy are then those of the drop that began
 *     the window
 */
public record CloseCause(int code, String reason, ClosedBy closedBy, boolean resumeExpired) {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    public static final int NO_STATUS = 1005;
    public static final int ABNORMAL = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;
    public static final int SERVICE_RESTART = 1012;
    public static final int TRY_AGAIN_LATER = 1013;

    /** A connection that ended with its socket (not a reliable session's expired window). */
    public CloseCause(int code, String reason, ClosedBy closedBy) {
        this(code, reason, closedBy, false);
    }

    /** This cause, for a reliable session whose client did not come back within its window. */
    public CloseCause withResumeExpired() {
        return new CloseCause(code, reason, closedBy, true);
    }

    /** True when {@code code} may be sent in a close frame (RFC 6455 §7.4). */
    public static boolean isSendable(int code) {
        return code == NORMAL
                || (code >= GOING_AWAY
                        && code <= INTERNAL_ERROR
                        && code != 1004
                        && code != NO_STATUS
                        && code != ABNORMAL)
                || code == SERVICE_RESTART
                || code == TRY_AGAIN_LATER
                || (code >= 3000 && code <= 4999);
    }
}
