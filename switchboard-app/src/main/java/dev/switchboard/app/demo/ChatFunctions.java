package dev.switchboard.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.json.Json;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * The demo chat as in-process functions of the route {@code /chat}
 * ({@code java:dev.switchboard.app.demo.ChatFunctions#register} and so on). A client connects
 * with {@code ?nick=alice&room=lobby}; each room is the group {@code room:<name>}. What the page
 * receives is one JSON object per message:
 *
 * <pre>
 * {"type":"join","nick":"alice","room":"lobby","at":1700000000000}
 * {"type":"message","nick":"alice","room":"lobby","text":"hi","at":…,"mine":true}
 * {"type":"leave","nick":"alice","room":"lobby","at":…}
 * {"type":"people","room":"lobby","users":["alice","bob"]}
 * </pre>
 *
 * The nickname is the connection's user, so with presence on the route ({@code room:*}) the page
 * also receives the gateway's presence frames, and {@link #presence} tells a newcomer who is in
 * the room already.
 *
 * The examples {@code examples/chat-python} and {@code examples/chat-node} implement the same
 * contract with process functions. Every method returns without blocking: they run on the
 * connection's event loop.
 */
public final class ChatFunctions {
    /** The system property holding the push API's URL, like {@code SWITCHBOARD_PUSH_URL} for process functions. */
    public static final String PUSH_URL_PROPERTY = "switchboard.push.url";
    /** The system property holding the push API's bearer token, when it has one. */
    public static final String PUSH_TOKEN_PROPERTY = "switchboard.push.token";
    /** Longest nickname, in characters. */
    public static final int MAX_NICK = 24;
    /** Longest message, in characters; longer ones are cut. */
    public static final int MAX_TEXT = 1000;
    /** The room when the client names none. */
    public static final String DEFAULT_ROOM = "lobby";

    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final ChatPush push = new ChatPush();

    /** Accepts {@code nick} and {@code room} from the query, tells the room, joins its group. */
    public CompletionStage<ObjectNode> register(JsonNode event) {
        String nick = event.at("/queryString/nick").asText("").strip().replaceAll("\\s+", " ");
        String room = event.at("/queryString/room").asText(DEFAULT_ROOM).strip();
        if (room.isEmpty()) {
            room = DEFAULT_ROOM;
        }
        if (nick.isEmpty() || nick.length() > MAX_NICK || CONTROL.matcher(nick).find()) {
            return refuse("nick: '" + nick + "' (expected: 1 to " + MAX_NICK + " printable characters)");
        }
        if (!ROOM.matcher(room).matches()) {
            return refuse("room: '" + room + "' (expected: 1 to 32 of A-Z a-z 0-9 _ -)");
        }
        ObjectNode accept = ok();
        accept.put("userId", nick);
        accept.putObject("context").put("nick", nick).put("room", room);
        accept.putArray("groups").add(group(room));
        // the newcomer is not in the group yet: everyone else hears about them
        return push.toGroup(group(room), notice("join", nick, room), List.of()).thenApply(status -> accept);
    }

    /** Sends a text message to the rest of the room, and back to its sender marked as theirs. */
    public CompletionStage<ObjectNode> transfer(JsonNode event) {
        JsonNode websocket = event.path("websocket");
        String text = websocket.path("data").asText("").strip();
        if (!"text".equals(websocket.path("dataType").asText()) || text.isEmpty()) {
            return CompletableFuture.completedFuture(ok());
        }
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT);
        }
        String nick = event.at("/context/nick").asText();
        String room = event.at("/context/room").asText();
        ObjectNode message = notice("message", nick, room).put("text", text);
        String sender = websocket.path("secConnectionID").asText();
        return push.toGroup(group(room), message, List.of(sender)).thenApply(status -> {
            ObjectNode answer = ok();
            answer.putObject("reply")
                    .put("dataType", "text")
                    .put("data", message.deepCopy().put("mine", true).toString());
            return answer;
        });
    }

    /** Tells the room that someone left; by now the connection has left the group. */
    public CompletionStage<ObjectNode> cleanup(JsonNode event) {
        String nick = event.at("/context/nick").asText("");
        String room = event.at("/context/room").asText("");
        if (nick.isEmpty() || room.isEmpty()) {
            return CompletableFuture.completedFuture(ok());
        }
        return push.toGroup(group(room), notice("leave", nick, room), List.of()).thenApply(status -> ok());
    }

    /**
     * A nickname's first connection joined a room: it is told who is in the room now (the page
     * keeps the list up to date from the gateway's presence frames that follow).
     */
    public CompletionStage<ObjectNode> presence(JsonNode event) {
        JsonNode websocket = event.path("websocket");
        String group = websocket.path("group").asText();
        if (!"join".equals(websocket.path("event").asText()) || !group.startsWith("room:")) {
            return CompletableFuture.completedFuture(ok());
        }
        return push.usersIn(group)
                .thenCompose(users -> {
                    ObjectNode people = Json.mapper()
                            .createObjectNode()
                            .put("type", "people")
                            .put("room", group.substring("room:".length()));
                    users.forEach(people.putArray("users")::add);
                    return push.toConnection(websocket.path("secConnectionID").asText(), people);
                })
                .thenApply(status -> ok());
    }

    private static String group(String room) {
        return "room:" + room;
    }

    private static ObjectNode notice(String type, String nick, String room) {
        return Json.mapper()
                .createObjectNode()
                .put("type", type)
                .put("nick", nick)
                .put("room", room)
                .put("at", System.currentTimeMillis());
    }

    private static ObjectNode ok() {
        return Json.mapper().createObjectNode().put("errNo", 0).put("errMsg", "ok");
    }

    private static CompletionStage<ObjectNode> refuse(String message) {
        return CompletableFuture.completedFuture(Json.mapper()
                .createObjectNode()
                .put("errNo", 4001)
                .put("errMsg", message)
                .put("httpStatus", 400));
    }
}
