package dev.switchboard.server.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.cluster.ForwardReply;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.Message;
import dev.switchboard.server.internal.auth.TokenExpiry;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import dev.switchboard.server.internal.session.ReliableSession;
import dev.switchboard.server.internal.session.ReliableSession.Refusal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Moving a reliable session between cluster nodes, on the node that holds it. A node that gets a
 * resume for a session it does not hold asks the holder ({@code {"session-handover": …}} over
 * the forwarding request/reply); the holder checks the token, parks the session, waits until
 * every message its client sent has reached the transfer function, then ends the session here
 * without a cleanup, leaves a redirect for pushes and answers with the session's state. A holder
 * that only has a redirect answers 421 with {@code movedTo}, and the asking node asks there.
 */
public final class SessionHandover {
    /** The cluster request's key. */
    public static final String REQUEST = "session-handover";

    /** The status of a reply that says "not here: ask {@code movedTo}". */
    public static final int MOVED = 421;

    private SessionHandover() {}

    /** The request {@code node} sends to take session {@code resume} over. */
    static ObjectNode request(ResumeRequest resume, String route, String node) {
        ObjectNode request = Json.mapper().createObjectNode();
        request.putObject(REQUEST)
                .put("id", resume.sessionId())
                .put("route", route)
                .put("token", resume.token())
                .put("seq", resume.lastSeq())
                .put("to", node);
        return request;
    }

    /** Answers a handover request on the node that holds (or held) the session. */
    public static CompletionStage<ForwardReply> handle(ClientServices services, JsonNode request) {
        String id = request.path("id").asText();
        String to = request.path("to").asText();
        Optional<LiveConnection> found = services.registry().find(id);
        if (found.isEmpty()
                || !(found.get() instanceof ReliableConnection session)
                || !session.route().path().equals(request.path("route").asText())) {
            Optional<String> moved = services.moves().movedTo(id);
            if (moved.isPresent() && !moved.get().equals(to)) {
                ObjectNode body = Json.mapper().createObjectNode().put("movedTo", moved.get());
                return CompletableFuture.completedFuture(new ForwardReply(MOVED, body));
            }
            return CompletableFuture.completedFuture(refused(new Refusal(
                    ErrorCode.SESSION_GONE,
                    "no session " + id + " to resume: its resume window ran out, it closed, or it never existed")));
        }
        CompletableFuture<ForwardReply> reply = new CompletableFuture<>();
        session.channel()
                .eventLoop()
                .execute(() -> session.handOver(
                        request.path("token").asText(), request.path("seq").asLong(-1), to, reply));
        return reply;
    }

    static ForwardReply refused(Refusal refusal) {
        ObjectNode body = Json.mapper()
                .createObjectNode()
                .put("errNo", refusal.code().errNo())
                .put("errMsg", refusal.message());
        return new ForwardReply(refusal.code().httpStatus(), body);
    }

    /** The state of {@code connection} that moves with it. */
    static ForwardReply state(ReliableConnection connection, ReliableSession.Snapshot snapshot) {
        ObjectNode body = Json.mapper().createObjectNode().put("errNo", 0).put("errMsg", "ok");
        ObjectNode state = body.putObject("session");
        state.put("connectedAt", connection.connectedAtMillis());
        if (connection.userAgent() != null) {
            state.put("userAgent", connection.userAgent());
        }
        if (connection.context() != null) {
            state.set("context", connection.context());
        }
        if (connection.userId() != null) {
            state.put("userId", connection.userId());
        }
        if (connection.authorizer() != null) {
            state.set("authorizer", connection.authorizer());
        }
        TokenExpiry expiry = connection.tokenExpiry();
        if (expiry != null) {
            state.set("token", expiry.toJson());
        }
        ArrayNode groups = state.putArray("groups");
        connection.groups().forEach(groups::add);
        state.put("deflate", connection.deflate());
        state.put("lastSeq", snapshot.lastSeq());
        state.put("lastClientId", snapshot.lastClientId());
        state.put("lostUpTo", snapshot.lostUpTo());
        state.put("firstSeq", snapshot.firstSeq());
        ArrayNode frames = state.putArray("frames");
        Base64.Encoder base64 = Base64.getEncoder();
        for (Message frame : snapshot.frames()) {
            frames.addObject()
                    .put("binary", frame.type() == Message.Type.BINARY)
                    .put("data", base64.encodeToString(frame.payload()));
        }
        CloseCause parkedBy = snapshot.parkedBy();
        if (parkedBy != null) {
            state.putObject("parkedBy")
                    .put("code", parkedBy.code())
                    .put("reason", parkedBy.reason())
                    .put("closedBy", parkedBy.closedBy().wireName());
        }
        return new ForwardReply(200, body);
    }

    /** The state a handover reply carries, read back. */
    record State(
            long connectedAt,
            @Nullable String userAgent,
            @Nullable ObjectNode context,
            @Nullable String userId,
            @Nullable ObjectNode authorizer,
            @Nullable JsonNode token,
            List<String> groups,
            boolean deflate,
            ReliableSession.Snapshot snapshot) {

        static State of(JsonNode state) {
            List<Message> frames = new ArrayList<>();
            Base64.Decoder base64 = Base64.getDecoder();
            for (JsonNode frame : state.path("frames")) {
                byte[] data = base64.decode(frame.path("data").asText());
                frames.add(
                        frame.path("binary").asBoolean() ? Message.binary(data) : new Message(Message.Type.TEXT, data));
            }
            CloseCause parkedBy = null;
            JsonNode parked = state.get("parkedBy");
            if (parked != null) {
                String wire = parked.path("closedBy").asText();
                ClosedBy by = ClosedBy.CLIENT;
                for (ClosedBy candidate : ClosedBy.values()) {
                    if (candidate.wireName().equals(wire)) {
                        by = candidate;
                    }
                }
                parkedBy = new CloseCause(
                        parked.path("code").asInt(CloseCause.ABNORMAL),
                        parked.path("reason").asText(""),
                        by);
            }
            List<String> groups = new ArrayList<>();
            state.path("groups").forEach(group -> groups.add(group.asText()));
            JsonNode context = state.get("context");
            return new State(
                    state.path("connectedAt").asLong(),
                    state.hasNonNull("userAgent") ? state.get("userAgent").asText() : null,
                    context instanceof ObjectNode object ? object : null,
                    state.hasNonNull("userId") ? state.get("userId").asText() : null,
                    state.get("authorizer") instanceof ObjectNode authorizer ? authorizer : null,
                    state.get("token") instanceof ObjectNode token ? token : null,
                    groups,
                    state.path("deflate").asBoolean(),
                    new ReliableSession.Snapshot(
                            state.path("lastSeq").asLong(),
                            state.path("lastClientId").asLong(),
                            state.path("lostUpTo").asLong(),
                            state.path("firstSeq").asLong(),
                            frames,
                            parkedBy));
        }
    }
}
