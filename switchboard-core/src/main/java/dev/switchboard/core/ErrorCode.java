package dev.switchboard.core;

/**
 * Every error Switchboard reports to a caller, with the HTTP status and {@code errNo} it becomes
 * on the wire. The push API, the admin API and refused handshakes all answer with
 * {@code {"errNo": errNo, "errMsg": "..."}}.
 */
public enum ErrorCode {
    /** The body is not JSON, or not a JSON object. */
    BODY_NOT_JSON(400, 4000),
    /** A field is missing or has the wrong type or value. */
    INVALID_FIELD(400, 4001),
    /** The action or dataType is not one Switchboard knows. */
    UNKNOWN_ACTION(400, 4002),
    /** {@code data} is not valid standard base64 for a binary message. */
    INVALID_BASE64(400, 4003),
    /** Missing or wrong credentials. */
    UNAUTHORIZED(401, 4010),
    /** A resume token that is not the session's current one: wrong, or spent by an earlier resume. */
    RESUME_TOKEN_REFUSED(401, 4011),
    /** A route with token auth got no token, or one that is malformed, badly signed, expired or not meant for it. */
    TOKEN_INVALID(401, 4012),
    /** A route with token auth got a token longer than its {@code auth.max-token-bytes}. */
    TOKEN_TOO_LARGE(401, 4013),
    /**
     * The AWS dialect's {@code $connect} authorizer failed, timed out, or answered something that
     * is not a policy: the handshake is refused, as API Gateway refuses it when an authorizer
     * answers {@code Unauthorized}.
     */
    AUTHORIZER_FAILED(401, 4014),
    /** The registration function refused the connection. */
    REFUSED(403, 4030),
    /** The registration function attached a context larger than {@code limits.max-context-bytes}. */
    CONTEXT_TOO_LARGE(403, 4032),
    /**
     * The {@code Origin} of a handshake is not in {@code limits.allowed-origins}, or that of a
     * request to a push listener without a token is neither its own nor in {@code push.allowed-origins}.
     */
    ORIGIN_NOT_ALLOWED(403, 4033),
    /** The push-only token ({@code push.push-token}) used for anything but {@code POST /push}. */
    TOKEN_SCOPE(403, 4034),
    /** The {@code Host} of a push listener request is not one it answers ({@code push.allowed-hosts}). */
    HOST_NOT_ALLOWED(403, 4035),
    /** The AWS dialect's {@code $connect} authorizer answered a policy that does not allow the connection. */
    AUTHORIZER_DENIED(403, 4036),
    /** No route or endpoint at that path. */
    NOT_FOUND(404, 4040),
    /** No group of that name (it has no members). */
    GROUP_NOT_FOUND(404, 4041),
    /** No route counts presence in that group ({@code routes[].presence.groups}). */
    PRESENCE_NOT_ENABLED(404, 4047),
    /** The endpoint exists but not for that HTTP method. */
    METHOD_NOT_ALLOWED(405, 4050),
    /** The connection is unknown or already closed. */
    CONNECTION_GONE(410, 4100),
    /** No session to resume with that id: its resume window ran out, it closed, or it never existed. */
    SESSION_GONE(410, 4101),
    /** The session's replay buffer no longer holds every message after the client's last one. */
    RESUME_GAP(409, 4091),
    /** The request was not received in full within {@code push.request-timeout}. */
    REQUEST_TIMEOUT(408, 4080),
    /** The request body is larger than the configured limit. */
    BODY_TOO_LARGE(413, 4130),
    /** A push listener without a token got a body that is not {@code Content-Type: application/json}. */
    UNSUPPORTED_MEDIA_TYPE(415, 4150),
    /** The request headers are larger than the configured limit. */
    HEADERS_TOO_LARGE(431, 4310),
    /** The target's outbound buffer is full. */
    BUFFER_FULL(429, 4290),
    /** The client address has too many open connections. */
    TOO_MANY_CONNECTIONS_FROM_ADDRESS(429, 4291),
    /** The client address starts handshakes faster than {@code limits.connect-rate-per-ip}. */
    CONNECT_RATE_EXCEEDED(429, 4292),
    /** The connection's user holds {@code limits.max-connections-per-user} connections on this node. */
    TOO_MANY_CONNECTIONS_FOR_USER(429, 4294),
    /** The WebSocket upgrade request is malformed. */
    BAD_HANDSHAKE(400, 4004),
    /** The request is not a WebSocket version 13 upgrade. */
    UPGRADE_REQUIRED(426, 4260),
    /** The registration function could not be reached, failed, or timed out. */
    REGISTRATION_FAILED(403, 4031),
    /** Something unexpected failed inside the gateway. */
    INTERNAL(500, 5000),
    /** The cluster backplane is unreachable. */
    BACKPLANE_UNAVAILABLE(503, 5030),
    /** The node holds as many connections as it may, or is shutting down. */
    UNAVAILABLE(503, 5031),
    /** The route holds as many connections as its {@code max-connections} allows on this node. */
    ROUTE_FULL(503, 5032);

    private final int httpStatus;
    private final int errNo;

    ErrorCode(int httpStatus, int errNo) {
        this.httpStatus = httpStatus;
        this.errNo = errNo;
    }

    /** The HTTP status this error answers with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The {@code errNo} this error answers with. */
    public int errNo() {
        return errNo;
    }
}
