package dev.switchboard.server.internal.presence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.PresenceEvent.Change;
import dev.switchboard.server.internal.lifecycle.Route;

/**
 * The frame a group's members receive when a user's first connection joins or last one leaves,
 * in the words of each member's dialect: a Tencent route frames it as the gateway's pushes are
 * framed ({@code {"websocket":{"action":"presence",…}}}), an AWS route as API Gateway's own
 * notices ({@code {"message":"presence",…}}).
 */
final class PresenceFrames {
    private PresenceFrames() {}

    static Message of(Route route, Change change, String group, String userId) {
        ObjectNode frame = Json.mapper().createObjectNode();
        ObjectNode fields = route.config().dialect() instanceof AwsDialectConfig
                ? frame.put("message", "presence")
                : frame.putObject("websocket").put("action", "presence");
        fields.put("event", change.wireName()).put("group", group).put("userId", userId);
        return Message.text(frame.toString());
    }
}
