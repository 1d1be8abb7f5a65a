package dev.switchboard.tests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@code switchboard.reliable.v1} client written from docs/reliable-sessions.md, as a client in
 * another language would be: it numbers what it sends and keeps it until acknowledged, takes
 * numbered messages in order (counting any duplicate or gap it sees), acknowledges every
 * {@value #ACK_EVERY} messages, and resumes on a new socket with its token and last sequence
 * number. Sockets and resumes are driven by the test.
 */
final class ReliableTestClient implements AutoCloseable {
    static final String SUBPROTOCOL = "switchboard.reliable.v1";
    private static final int ACK_EVERY = 50;

    private final URI base;
    private final List<String> received = new ArrayList<>();
    private final ArrayDeque<String[]> unacknowledged = new ArrayDeque<>();
    private volatile @Nullable WsClient socket;
    private volatile @Nullable Thread reader;
    private @Nullable String session;
    private @Nullable String token;
    private long lastSeq;
    private long lastAckSent;
    private long nextId = 1;
    private int duplicates;
    private int gaps;
    private int resumes;
    private @Nullable JsonNode reset;
    private CompletableFuture<JsonNode> greeting = new CompletableFuture<>();

    private ReliableTestClient(URI base) {
        this.base = base;
    }

    /** Opens a new session at {@code uri} and waits for its welcome. */
    static ReliableTestClient open(URI uri) {
        ReliableTestClient client = new ReliableTestClient(uri);
        client.connect(uri);
        client.awaitGreeting();
        return client;
    }

    private void connect(URI uri) {
        WsClient ws = WsClient.to(uri).subprotocols(SUBPROTOCOL).open();
        if (!SUBPROTOCOL.equals(ws.subprotocol())) {
            throw new AssertionError("the gateway chose subprotocol " + ws.subprotocol());
        }
        socket = ws;
        Thread thread = new Thread(() -> read(ws), "reliable-client");
        thread.setDaemon(true);
        reader = thread;
        thread.start();
    }

    private JsonNode awaitGreeting() {
        try {
            return greeting.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no welcome or resumed frame: " + e, e);
        }
    }

    /**
     * Reconnects with the session's token and last sequence number; returns the server's first
     * frame ({@code resumed}, or {@code reset} when it refuses).
     */
    JsonNode resume() {
        Thread previous = reader;
        if (previous != null) {
            try {
                // what the old socket delivered counts before the new one asks for the rest (a
                // socket that still looks open must first notice the drop)
                previous.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        String query;
        synchronized (this) {
            greeting = new CompletableFuture<>();
            query = "sb-session=" + session + "&sb-token=" + token + "&sb-seq=" + lastSeq;
        }
        String separator = base.getQuery() == null ? "?" : "&";
        connect(URI.create(base + separator + query));
        JsonNode first = awaitGreeting();
        if (first.path("type").asText().equals("resumed")) {
            resumeSending(first.path("ack").asLong());
        }
        return first;
    }

    /** Sends a text message (now, or on the next resume if the socket is down). */
    void send(String text) {
        String[] message;
        synchronized (this) {
            message = new String[] {Long.toString(nextId++), text};
            unacknowledged.addLast(message);
        }
        write(message[0] + ":" + message[1]);
    }

    private synchronized void resumeSending(long acknowledged) {
        acknowledge(acknowledged);
        for (String[] message : unacknowledged) {
            write(message[0] + ":" + message[1]);
        }
    }

    private void write(String frame) {
        WsClient ws = socket;
        if (ws == null || !ws.isOpen()) {
            return;
        }
        try {
            ws.sendText(frame);
        } catch (Exception e) { // Netty rethrows the ClosedChannelException unchecked
            // the socket died under us: the message waits for the resume
        }
    }

    private synchronized void acknowledge(long id) {
        while (!unacknowledged.isEmpty() && Long.parseLong(unacknowledged.peekFirst()[0]) <= id) {
            unacknowledged.pollFirst();
        }
    }

    private void read(WsClient ws) {
        while (true) {
            WsClient.Message message = ws.poll(Duration.ofMillis(50));
            if (message == null) {
                if (!ws.isOpen()) {
                    return;
                }
                continue;
            }
            onFrame(message);
        }
    }

    private void onFrame(WsClient.Message message) {
        byte[] data = message.data();
        if (!message.isText()) {
            throw new AssertionError("binary frame in a text test");
        }
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.startsWith("{")) {
            onControl(text);
            return;
        }
        int colon = text.indexOf(':');
        long seq = Long.parseLong(text.substring(0, colon));
        long ackNow = -1;
        synchronized (this) {
            if (seq <= lastSeq) {
                duplicates++;
                return;
            }
            if (seq != lastSeq + 1) {
                gaps++;
            }
            lastSeq = seq;
            received.add(text.substring(colon + 1));
            if (lastSeq - lastAckSent >= ACK_EVERY) {
                lastAckSent = lastSeq;
                ackNow = lastSeq;
            }
            notifyAll();
        }
        if (ackNow >= 0) {
            write("{\"type\":\"ack\",\"seq\":" + ackNow + "}");
        }
    }

    private void onControl(String text) {
        JsonNode control;
        try {
            control = Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        switch (control.path("type").asText()) {
            case "welcome" -> {
                synchronized (this) {
                    session = control.path("session").asText();
                    token = control.path("token").asText();
                }
                greeting.complete(control);
            }
            case "resumed" -> {
                synchronized (this) {
                    token = control.path("token").asText();
                    resumes++;
                }
                greeting.complete(control);
            }
            case "ack" -> acknowledge(control.path("id").asLong());
            case "reset" -> {
                synchronized (this) {
                    reset = control;
                }
                greeting.complete(control);
            }
            default -> throw new AssertionError("unknown control frame " + text);
        }
    }

    /** The session id (the connection's {@code secConnectionID}). */
    synchronized String session() {
        return session;
    }

    synchronized String token() {
        return token;
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    /** The messages received, in order, each once. */
    synchronized List<String> received() {
        return List.copyOf(received);
    }

    synchronized int receivedCount() {
        return received.size();
    }

    /** Waits until {@code count} messages have arrived. */
    synchronized void awaitReceived(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("received " + received.size() + " of " + count + " messages");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized int duplicates() {
        return duplicates;
    }

    synchronized int gaps() {
        return gaps;
    }

    synchronized int unacknowledged() {
        return unacknowledged.size();
    }

    /** The current socket. */
    @Nullable
    WsClient socket() {
        return socket;
    }

    /** True while the current socket is open. */
    boolean isOpen() {
        WsClient ws = socket;
        return ws != null && ws.isOpen();
    }

    @Override
    public void close() {
        WsClient ws = socket;
        if (ws != null) {
            ws.close();
        }
    }
}
