package dev.switchboard.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.WsClient;
import dev.switchboard.testkit.WsClient.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One client of the workload: an ordinary WebSocket connection, or a reliable session
 * ({@code switchboard.reliable.v1}) that resumes on another node after a drop. It keeps every push
 * frame it received, in arrival order, as the checker reads them.
 */
final class ChaosClient {
    static final String RELIABLE = "switchboard.reliable.v1";

    /** A push frame as received: which push, from which worker, that worker's number for it. */
    record Frame(long pushId, int worker, long n, long at) {}

    final String key;
    final boolean reliable;
    final String connId;
    final long openedAt;
    final List<String> initialGroups;
    private final List<Frame> frames = new ArrayList<>();
    private WsClient ws;
    private volatile int node;
    private volatile long endedAt = -1;
    private volatile boolean closedByUs;
    private volatile long droppedAt = -1;
    private volatile boolean resuming;
    private @Nullable String token;
    private long lastSeq;
    private long ackedSeq;
    private int gaps;
    private int resumes;
    private final List<long[]> moves = new ArrayList<>();

    private ChaosClient(
            String key,
            boolean reliable,
            String connId,
            WsClient ws,
            int node,
            List<String> groups,
            @Nullable String token) {
        this.key = key;
        this.reliable = reliable;
        this.connId = connId;
        this.ws = ws;
        this.node = node;
        this.initialGroups = groups;
        this.token = token;
        this.openedAt = System.nanoTime();
    }

    /** Opens a client on {@code node}; null when the handshake was refused or failed. */
    static @Nullable ChaosClient open(
            String key, boolean reliable, NodeProcess node, int index, List<String> groups, History history) {
        String query = "c=" + key + (groups.isEmpty() ? "" : "&g=" + String.join(",", groups));
        try {
            WsClient.Builder builder = WsClient.to(node.clientUri(query));
            if (reliable) {
                builder.subprotocols(RELIABLE);
            }
            WsClient ws = builder.open();
            String connId;
            String token = null;
            if (reliable) {
                JsonNode welcome =
                        Json.mapper().readTree(ws.next(Duration.ofSeconds(5)).text());
                connId = welcome.path("session").asText();
                token = welcome.path("token").asText();
            } else {
                connId = history.connIdByKey.get(key);
            }
            if (connId == null || connId.isEmpty()) {
                ws.abort();
                return null;
            }
            return new ChaosClient(key, reliable, connId, ws, index, List.copyOf(groups), token);
        } catch (RuntimeException | IOException | AssertionError e) {
            return null;
        }
    }

    int node() {
        return node;
    }

    /** Takes every frame the socket has received. */
    synchronized void drain() {
        if (endedAt >= 0) {
            return;
        }
        for (Message message = ws.poll(Duration.ZERO); message != null; message = ws.poll(Duration.ZERO)) {
            take(message.text());
        }
        if (!ws.isOpen() && endedAt < 0) {
            if (reliable && !closedByUs) {
                if (droppedAt < 0) {
                    droppedAt = System.nanoTime();
                }
            } else {
                endedAt = System.nanoTime();
            }
        }
        if (reliable && lastSeq - ackedSeq >= 20 && ws.isOpen()) {
            ack();
        }
    }

    private void take(String text) {
        if (!reliable) {
            record(text);
            return;
        }
        if (text.startsWith("{")) {
            control(text);
            return;
        }
        int colon = text.indexOf(':');
        long seq = Long.parseLong(text.substring(0, colon));
        if (seq <= lastSeq) {
            return; // a replayed message this client already has: the protocol says drop it
        }
        if (seq != lastSeq + 1) {
            gaps++;
        }
        lastSeq = seq;
        record(text.substring(colon + 1));
    }

    private void control(String text) {
        try {
            JsonNode frame = Json.mapper().readTree(text);
            if ("reset".equals(frame.path("type").asText())) {
                endedAt = System.nanoTime();
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable control frame " + text, e);
        }
    }

    private void record(String payload) {
        // P<pushId>.<worker>.<n>
        String[] parts = payload.substring(1).split("\\.");
        frames.add(new Frame(
                Long.parseLong(parts[0]), Integer.parseInt(parts[1]), Long.parseLong(parts[2]), System.nanoTime()));
    }

    private void ack() {
        try {
            ws.sendText("{\"type\":\"ack\",\"seq\":" + lastSeq + "}");
            ackedSeq = lastSeq;
        } catch (RuntimeException e) {
            // the socket is gone: the next resume reports where it stopped
        }
    }

    /** Sends a message to the transfer function (ordinary connections). */
    synchronized boolean send(String text) {
        if (endedAt >= 0 || reliable || !ws.isOpen()) {
            return false;
        }
        try {
            ws.sendText(text);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Drops the session's socket without a close frame and resumes on {@code to}; tries the other
     * nodes until the resume window has passed. The session ends when every try fails or a
     * {@code reset} comes.
     */
    void resume(List<NodeProcess> nodes, int to) {
        resume(nodes, to, false);
    }

    /**
     * Resumes on {@code to} a session whose socket its node dropped, unless another worker has
     * resumed it meanwhile (which would drop the socket it just resumed on).
     */
    void resumeDropped(List<NodeProcess> nodes, int to) {
        if (!resuming) { // a worker that finds it resuming moves on rather than wait for it
            resume(nodes, to, true);
        }
    }

    private void resume(List<NodeProcess> nodes, int to, boolean onlyIfDropped) {
        resuming = true;
        try {
            resumeNow(nodes, to, onlyIfDropped);
        } finally {
            resuming = false;
        }
    }

    /** True while a resume is under way: the drain thread passes this client by. */
    boolean resuming() {
        return resuming;
    }

    private synchronized void resumeNow(List<NodeProcess> nodes, int to, boolean onlyIfDropped) {
        if (!reliable || endedAt >= 0 || onlyIfDropped && droppedAt < 0) {
            return;
        }
        long[] move = {System.nanoTime(), Long.MAX_VALUE};
        moves.add(move);
        try {
            reattach(nodes, to);
        } finally {
            move[1] = System.nanoTime();
        }
    }

    private void reattach(List<NodeProcess> nodes, int to) {
        drain();
        long dropped = droppedAt >= 0 ? droppedAt : System.nanoTime();
        droppedAt = dropped;
        ws.abort();
        long deadline = dropped
                + ChaosCluster.RESUME_WINDOW.toNanos()
                - Duration.ofMillis(300).toNanos();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            int index = (to + attempt) % nodes.size();
            String query = "sb-session=" + connId + "&sb-token=" + token + "&sb-seq=" + lastSeq;
            try {
                WsClient next = WsClient.to(nodes.get(index).clientUri(query))
                        .subprotocols(RELIABLE)
                        .open();
                JsonNode first =
                        Json.mapper().readTree(next.next(Duration.ofSeconds(3)).text());
                if ("resumed".equals(first.path("type").asText())) {
                    ws = next;
                    node = index;
                    token = first.path("token").asText();
                    droppedAt = -1;
                    resumes++;
                    return;
                }
                next.abort();
                endedAt = System.nanoTime();
                return;
            } catch (RuntimeException | IOException | AssertionError e) {
                Pause.sleep(Duration.ofMillis(100));
            }
        }
        endedAt = System.nanoTime();
    }

    /** Closes with 1000: the connection (or session) ends for good. */
    synchronized void close() {
        drain();
        closedByUs = true;
        if (endedAt < 0) {
            endedAt = System.nanoTime(); // before the close frame: its cleanup may come back at once
            if (ws.isOpen()) {
                try {
                    ws.close(1000, "bye");
                } catch (RuntimeException e) {
                    // already gone
                }
            }
        }
    }

    /** Drops the socket without a close frame (ordinary connections: this ends them). */
    synchronized void abort() {
        drain();
        if (!reliable) {
            closedByUs = true;
            endedAt = System.nanoTime(); // before the reset: its cleanup may come back at once
        }
        ws.abort();
    }

    boolean ended() {
        return endedAt >= 0;
    }

    boolean dropped() {
        return droppedAt >= 0;
    }

    /** When the client lost or ended it ({@link Long#MAX_VALUE} while open). */
    long endedAt() {
        long ended = endedAt;
        if (ended < 0) {
            return Long.MAX_VALUE;
        }
        return droppedAt >= 0 ? Math.min(droppedAt, ended) : ended;
    }

    boolean closedByUs() {
        return closedByUs;
    }

    synchronized List<Frame> frames() {
        return List.copyOf(frames);
    }

    synchronized int gaps() {
        return gaps;
    }

    synchronized int resumes() {
        return resumes;
    }

    /** True when the session was dropped, resuming or moving at some time between {@code from} and {@code to}. */
    synchronized boolean movedDuring(long from, long to) {
        for (long[] move : moves) {
            if (move[0] <= to && move[1] >= from) {
                return true;
            }
        }
        return false;
    }
}
