package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.cluster.ForwardReply;
import dev.switchboard.core.json.Json;

/** The answer to a push or admin request: HTTP status and JSON body. */
record PushReply(int status, ObjectNode body) {
    /**
     * A success: 200, or 202 when the body says {@code "queued": true} (a push kept for a reliable
     * session that is waiting for its client).
     */
    static PushReply ok(ObjectNode body) {
        boolean queued = body.path("queued").isBoolean() && body.get("queued").booleanValue();
        return new PushReply(queued ? 202 : 200, body);
    }

    static PushReply of(SwitchboardException error) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("errNo", error.code().errNo());
        body.put("errMsg", error.getMessage());
        return new PushReply(error.code().httpStatus(), body);
    }

    static PushReply of(ForwardReply reply) {
        return new PushReply(reply.status(), reply.body());
    }

    ForwardReply toForwardReply() {
        return new ForwardReply(status, body);
    }

    boolean isOk() {
        return status == 200 || status == 202;
    }
}
