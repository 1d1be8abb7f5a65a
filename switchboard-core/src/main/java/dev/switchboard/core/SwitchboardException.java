package dev.switchboard.core;

/**
 * An error that knows what it becomes on the wire. One place (the endpoint that caught it) turns
 * it into an HTTP response with {@link ErrorCode#httpStatus()} and {@code {"errNo", "errMsg"}};
 * the message names the field and what was expected.
 */
public class SwitchboardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public SwitchboardException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** The error code this exception answers with. */
    public ErrorCode code() {
        return code;
    }
}
