package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.push.PushCommand;
import dev.switchboard.core.push.PushTarget;
import dev.switchboard.server.internal.lifecycle.ConnectionRegistry;
import dev.switchboard.server.internal.lifecycle.LiveConnection;

/**
 * Carries out push commands against the node's connections and says what happened, as the JSON
 * body of a 200 response or as a {@link SwitchboardException} with the error's status and errNo.
 */
final class PushExecutor {
    private final ConnectionRegistry registry;

    PushExecutor(ConnectionRegistry registry) {
        this.registry = registry;
    }

    ObjectNode execute(PushCommand command) {
        if (command instanceof PushCommand.Send send && send.target() instanceof PushTarget.Connection target) {
            LiveConnection connection = find(target.id());
            switch (connection.send(send.message())) {
                case SENT -> {
                    return ok();
                }
                case GONE -> throw gone(target.id());
                case BUFFER_FULL ->
                    throw new SwitchboardException(
                            ErrorCode.BUFFER_FULL,
                            "secConnectionID " + target.id() + ": outbound buffer full (the client is not reading)");
            }
        }
        if (command instanceof PushCommand.Close close) {
            find(close.connectionId()).close(new CloseCause(close.code(), close.reason(), ClosedBy.PUSH));
            return ok();
        }
        throw new SwitchboardException(ErrorCode.UNKNOWN_ACTION, "this push is not supported yet: " + command);
    }

    private LiveConnection find(String id) {
        return registry.find(id).orElseThrow(() -> gone(id));
    }

    private static SwitchboardException gone(String id) {
        return new SwitchboardException(ErrorCode.CONNECTION_GONE, "secConnectionID " + id + ": unknown or closed");
    }

    static ObjectNode ok() {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("errNo", 0);
        body.put("errMsg", "ok");
        return body;
    }
}
