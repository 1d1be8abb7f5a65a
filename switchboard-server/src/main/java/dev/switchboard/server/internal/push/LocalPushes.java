package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.push.PushCommand;
import dev.switchboard.core.push.PushTarget;
import dev.switchboard.server.internal.auth.TokenExpiry;
import dev.switchboard.server.internal.lifecycle.ConnectionRegistry;
import dev.switchboard.server.internal.lifecycle.GroupRegistry;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import dev.switchboard.server.internal.lifecycle.SharedFrame;
import dev.switchboard.server.internal.session.SessionMoves;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Carries out push commands against this node's own connections and says what happened: the
 * JSON body of a 200 response, or a {@link SwitchboardException} with the error's status and
 * errNo. In cluster mode {@link PushRouter} decides what runs here and what is forwarded.
 * A single-target send answers with that connection's status (410 gone, 429 buffer full); a
 * multi-target send always answers 200 with {@code delivered}, {@code failed} and the failures.
 */
final class LocalPushes {
    /** Failures listed in one answer; the count is always complete. */
    static final int MAX_LISTED_FAILURES = 1000;

    private final ConnectionRegistry registry;
    private final GroupRegistry groups;
    private final SessionMoves moves;

    LocalPushes(ConnectionRegistry registry, GroupRegistry groups, SessionMoves moves) {
        this.registry = registry;
        this.groups = groups;
        this.moves = moves;
    }

    ObjectNode execute(PushCommand command) {
        if (command instanceof PushCommand.Send send) {
            return send(send.target(), send.message());
        }
        if (command instanceof PushCommand.Close close) {
            find(close.connectionId()).close(new CloseCause(close.code(), close.reason(), ClosedBy.PUSH));
            return ok();
        }
        if (command instanceof PushCommand.Join join) {
            if (!groups.join(find(join.connectionId()), join.group())) {
                throw gone(join.connectionId());
            }
            return ok();
        }
        if (command instanceof PushCommand.Leave leave) {
            ObjectNode body = ok();
            body.put("wasMember", groups.leave(find(leave.connectionId()), leave.group()));
            return body;
        }
        if (command instanceof PushCommand.Info info) {
            ObjectNode body = ok();
            body.set("connection", ConnectionJson.of(find(info.connectionId()).info()));
            return body;
        }
        if (command instanceof PushCommand.Refresh refresh) {
            TokenExpiry renewed = refreshed(find(refresh.connectionId()), refresh.token());
            ObjectNode body = ok();
            body.put(
                    "expiresAt",
                    renewed.expiresAt() == null ? null : renewed.expiresAt().toString());
            return body;
        }
        if (command instanceof PushCommand.ForUser user) {
            return forUser(user.userId(), user.action());
        }
        throw new IllegalStateException("unhandled push command " + command);
    }

    private ObjectNode send(PushTarget target, Message message) {
        if (target instanceof PushTarget.Connection one) {
            switch (find(one.id()).send(message)) {
                case SENT -> {
                    return ok();
                }
                case QUEUED -> {
                    return queued();
                }
                case GONE -> throw gone(one.id());
                case BUFFER_FULL ->
                    throw new SwitchboardException(
                            ErrorCode.BUFFER_FULL,
                            "secConnectionID " + one.id() + ": outbound buffer full (the client is not reading)");
            }
        }
        // one encoding of the frame for every recipient
        SharedFrame frame = SharedFrame.of(message);
        Fanout fanout = new Fanout();
        try {
            if (target instanceof PushTarget.Connections many) {
                for (String id : new LinkedHashSet<>(many.ids())) {
                    if (!many.exclude().contains(id)) {
                        registry.find(id).ifPresentOrElse(c -> fanout.send(c, frame), () -> fanout.failed(id, "gone"));
                    }
                }
            } else if (target instanceof PushTarget.Group group) {
                sendToAll(groups.members(group.name()), group.exclude(), frame, fanout);
            } else if (target instanceof PushTarget.User user) {
                sendToAll(registry.ofUser(user.userId()), user.exclude(), frame, fanout);
            } else if (target instanceof PushTarget.All all) {
                sendToAll(registry.all(), all.exclude(), frame, fanout);
            }
        } finally {
            frame.sendAndRelease();
        }
        return fanout.result();
    }

    /**
     * Carries out {@code action} for each connection of {@code userId} here: {@code info} lists
     * them ({@code connections}); the others count them as a multi-target send does.
     */
    private ObjectNode forUser(String userId, PushCommand.UserAction action) {
        if (action instanceof PushCommand.UserAction.Info) {
            ObjectNode body = ok();
            ArrayNode list = body.putArray("connections");
            registry.ofUser(userId).forEach(connection -> list.add(ConnectionJson.of(connection.info())));
            return body;
        }
        Fanout fanout = new Fanout();
        for (LiveConnection connection : registry.ofUser(userId)) {
            boolean done;
            if (action instanceof PushCommand.UserAction.Close close) {
                done = connection.isOpen();
                connection.close(new CloseCause(close.code(), close.reason(), ClosedBy.PUSH));
            } else if (action instanceof PushCommand.UserAction.Refresh refresh) {
                try {
                    refreshed(connection, refresh.token());
                    done = true;
                } catch (SwitchboardException e) {
                    fanout.failed(connection.id(), "token-refused");
                    continue;
                }
            } else if (action instanceof PushCommand.UserAction.Join join) {
                try {
                    done = groups.join(connection, join.group());
                } catch (SwitchboardException e) {
                    fanout.failed(connection.id(), "too-many-groups");
                    continue;
                }
            } else {
                groups.leave(connection, ((PushCommand.UserAction.Leave) action).group());
                done = connection.isOpen();
            }
            if (done) {
                fanout.delivered++;
            } else {
                fanout.failed(connection.id(), "gone");
            }
        }
        return fanout.result();
    }

    /**
     * Waits for {@code connection}'s refresh: at once with keys from config; with a JWKS URL, as
     * long as a fetch of an unknown key takes (at most {@code auth.jwks-timeout}).
     */
    private static TokenExpiry refreshed(LiveConnection connection, String token) {
        try {
            return connection.refreshToken(token).toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SwitchboardException refused) {
                throw refused;
            }
            throw e;
        }
    }

    private static void sendToAll(
            Iterable<LiveConnection> connections, Set<String> exclude, SharedFrame frame, Fanout fanout) {
        for (LiveConnection connection : connections) {
            if (!exclude.contains(connection.id())) {
                fanout.send(connection, frame);
            }
        }
    }

    /** True when connection {@code id} is open on this node. */
    boolean holds(String id) {
        return registry.find(id).isPresent();
    }

    private LiveConnection find(String id) {
        return registry.find(id)
                .orElseThrow(() -> moves.isArriving(id)
                        ? new SwitchboardException(
                                ErrorCode.BACKPLANE_UNAVAILABLE,
                                "secConnectionID " + id
                                        + ": the session is moving to this node from another one; retry")
                        : gone(id));
    }

    private static SwitchboardException gone(String id) {
        return new SwitchboardException(
                ErrorCode.CONNECTION_GONE, "secConnectionID " + PeerText.name(id) + ": unknown or closed");
    }

    /** The answer for a push kept by a parked reliable session (HTTP 202, see {@link PushReply#ok}). */
    static ObjectNode queued() {
        ObjectNode body = ok();
        body.put("queued", true);
        return body;
    }

    static ObjectNode ok() {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("errNo", 0);
        body.put("errMsg", "ok");
        return body;
    }

    /** Counts one multi-target send. */
    private static final class Fanout {
        private int delivered;
        private int failed;
        private int queued;
        private final ArrayNode failures = Json.mapper().createArrayNode();

        void send(LiveConnection connection, SharedFrame frame) {
            switch (connection.send(frame)) {
                case SENT -> delivered++;
                case QUEUED -> {
                    delivered++;
                    queued++;
                }
                case GONE -> failed(connection.id(), "gone");
                case BUFFER_FULL -> failed(connection.id(), "buffer-full");
            }
        }

        void failed(String id, String reason) {
            failed++;
            if (failures.size() < MAX_LISTED_FAILURES) {
                failures.addObject().put("secConnectionID", id).put("reason", reason);
            }
        }

        ObjectNode result() {
            ObjectNode body = ok();
            body.put("delivered", delivered);
            body.put("failed", failed);
            body.set("failures", failures);
            if (failed > failures.size()) {
                body.put("failuresTruncated", true);
            }
            if (queued > 0) {
                body.put("queued", queued);
            }
            return body;
        }
    }
}
