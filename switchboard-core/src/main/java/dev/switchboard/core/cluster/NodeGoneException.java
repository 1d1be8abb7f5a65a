package dev.switchboard.core.cluster;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;

/** The node that held a connection is not in the cluster any more: its connections are gone (410). */
public final class NodeGoneException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    public NodeGoneException(String node) {
        super(ErrorCode.CONNECTION_GONE, "node " + node + " is not in the cluster");
    }
}
