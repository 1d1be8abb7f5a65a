package dev.switchboard.core.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A node's answer to a forwarded request: the HTTP status and JSON body its own push API would
 * have answered.
 */
public record ForwardReply(int status, ObjectNode body) {}
