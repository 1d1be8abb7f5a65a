package dev.switchboard.core.cluster;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;

/** The backplane is unreachable, or a node did not answer in time: 503, errNo 5030. */
public final class ClusterUnavailableException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message) {
        super(ErrorCode.BACKPLANE_UNAVAILABLE, message);
    }
}
