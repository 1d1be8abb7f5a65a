package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP function server on a free loopback port that misbehaves on a schedule: for each call
 * its {@link FaultPlan} chooses to answer, or to hang, cut or reset the response, answer huge,
 * slow or with garbage. It speaks HTTP/1.1 itself on plain sockets (keep-alive included), so
 * that it can fail at any byte, and records every call it receives with its {@code requestId}
 * and what it did, so a test can check that no call was made twice.
 */
public final class FaultyFunctionServer implements AutoCloseable {
    /** What the server does with one call. */
    public enum Fault {
        /** Answers 200 with the path's body; the connection stays open for the next call. */
        ANSWER,
        /** Answers 500 with a JSON body. */
        ERROR_STATUS,
        /** Never answers; the connection stays open until the caller gives up. */
        HANG,
        /** Closes the connection (FIN) without answering. */
        DROP,
        /** Sends the headers and half of the body, then closes the connection (FIN). */
        CUT,
        /** Sends the headers and half of the body, then resets the connection (RST). */
        RESET,
        /** Answers 200 with a body of {@link #HUGE_BYTES}, more than any caller should accept. */
        HUGE,
        /** Answers 200 with the path's body, dribbled out over {@code slowFor}. */
        SLOW,
        /** Answers bytes that are not HTTP, then closes the connection. */
        GARBAGE;

        /** True when the caller got a complete 2xx answer. */
        public boolean answered() {
            return this == ANSWER || this == SLOW;
        }
    }

    /** The size of a {@link Fault#HUGE} answer: 5 MiB. */
    public static final int HUGE_BYTES = 5 << 20;

    /** Chooses the fault for each call. */
    @FunctionalInterface
    public interface FaultPlan {
        /**
         * The fault for the {@code attempt}-th call (from 1) with this {@code requestId} on
         * {@code path}.
         */
        Fault choose(String path, JsonNode event, int attempt);

        /** Every call is answered. */
        static FaultPlan none() {
            return (path, event, attempt) -> Fault.ANSWER;
        }

        /**
         * A fault out of {@code faults} for a share {@code rate} of the calls, the same for the
         * same seed and call: the choice depends only on the seed, the path, the attempt and the
         * call's stable part (the message's {@code data}, else the {@code queryString}, else the
         * {@code context}), never on arrival order. Attempts after the {@code maxFaultyAttempts}-th
         * are answered, so that retries end.
         */
        static FaultPlan random(long seed, double rate, Set<Fault> faults, int maxFaultyAttempts) {
            List<Fault> choices = List.copyOf(faults);
            return (path, event, attempt) -> {
                if (attempt > maxFaultyAttempts || choices.isEmpty()) {
                    return Fault.ANSWER;
                }
                Random random = new Random(seed * 31 + (path + '|' + stableKey(event) + '|' + attempt).hashCode());
                return random.nextDouble() < rate ? choices.get(random.nextInt(choices.size())) : Fault.ANSWER;
            };
        }

        private static String stableKey(JsonNode event) {
            JsonNode data = event.at("/websocket/data");
            if (data.isTextual()) {
                return data.asText();
            }
            JsonNode query = event.path("queryString");
            return query.isObject() && !query.isEmpty()
                    ? query.toString()
                    : event.path("context").toString();
        }
    }

    /** One call received: its path, request id, how many times that id arrived so far, and what was done. */
    public record Call(String path, String requestId, int attempt, Fault fault, JsonNode event) {}

    private static final String OK = "{\"errNo\":0,\"errMsg\":\"ok\"}";

    private final ServerSocket listener;
    private final FaultPlan plan;
    private final Duration slowFor;
    private final Map<String, Function<JsonNode, String>> answers = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private FaultyFunctionServer(ServerSocket listener, FaultPlan plan, Duration slowFor) {
        this.listener = listener;
        this.plan = plan;
        this.slowFor = slowFor;
        this.acceptor = new Thread(this::accept, "faulty-function-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Starts a server on a free loopback port.
     *
     * @param slowFor how long a {@link Fault#SLOW} answer takes
     */
    public static FaultyFunctionServer start(FaultPlan plan, Duration slowFor) {
        try {
            var server = new FaultyFunctionServer(
                    new ServerSocket(0, 1024, InetAddress.getLoopbackAddress()), plan, slowFor);
            server.acceptor.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL of {@code path} on this server. */
    public String url(String path) {
        return "http://127.0.0.1:" + listener.getLocalPort() + path;
    }

    /** Makes an answered call on {@code path} reply with {@code body} (default {@code {"errNo":0,"errMsg":"ok"}}). */
    public FaultyFunctionServer on(String path, Function<JsonNode, String> body) {
        answers.put(path, body);
        return this;
    }

    /** Every call received so far, in arrival order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls received so far on {@code path}, in arrival order. */
    public List<Call> calls(String path) {
        return calls.stream().filter(call -> call.path().equals(path)).toList();
    }

    /** How many calls received so far got each fault. */
    public Map<Fault, Integer> faultCounts() {
        Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
        for (Call call : calls) {
            counts.merge(call.fault(), 1, Integer::sum);
        }
        return counts;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                open.add(socket);
                Thread thread = new Thread(() -> serve(socket), "faulty-function");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                Request request = Request.read(in);
                if (request == null || !respond(socket, in, out, request)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the caller closed or reset the connection: nothing to answer any more
        } finally {
            open.remove(socket);
        }
    }

    /** Records the call and acts out its fault; false when the connection is done. */
    private boolean respond(Socket socket, InputStream in, OutputStream out, Request request) throws IOException {
        JsonNode event = request.json();
        String requestId = event.at("/requestContext/requestId").asText("");
        int attempt = attempts.computeIfAbsent(request.path() + ' ' + requestId, id -> new AtomicInteger())
                .incrementAndGet();
        Fault fault = plan.choose(request.path(), event, attempt);
        calls.add(new Call(request.path(), requestId, attempt, fault, event));
        byte[] body = answers.getOrDefault(request.path(), e -> OK).apply(event).getBytes(StandardCharsets.UTF_8);
        switch (fault) {
            case ANSWER -> out.write(response(200, body));
            case ERROR_STATUS ->
                out.write(response(
                        500, "{\"errNo\":5000,\"errMsg\":\"injected failure\"}".getBytes(StandardCharsets.UTF_8)));
            case HANG -> {
                while (in.read() >= 0) {
                    // hold the call until the caller gives up and closes
                }
                return false;
            }
            case DROP -> {
                return false;
            }
            case CUT -> {
                out.write(half(response(200, body)));
                out.flush();
                return false;
            }
            case RESET -> {
                out.write(half(response(200, body)));
                out.flush();
                socket.setSoLinger(true, 0);
                return false;
            }
            case HUGE -> {
                out.write(head(200, HUGE_BYTES));
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) ' ');
                for (int sent = 0; sent < HUGE_BYTES; sent += chunk.length) {
                    out.write(chunk);
                }
            }
            case SLOW -> dribble(out, response(200, body));
            case GARBAGE -> {
                byte[] garbage = new byte[512];
                new Random(requestId.hashCode()).nextBytes(garbage);
                out.write(garbage);
                out.flush();
                return false;
            }
        }
        out.flush();
        return true;
    }

    private void dribble(OutputStream out, byte[] response) throws IOException {
        int pieces = 10;
        long pause = slowFor.toMillis() / pieces;
        for (int i = 0; i < pieces; i++) {
            out.write(
                    response,
                    response.length * i / pieces,
                    response.length * (i + 1) / pieces - response.length * i / pieces);
            out.flush();
            try {
                Thread.sleep(pause); // the function is slow: that is the fault being injected
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private static byte[] response(int status, byte[] body) {
        byte[] head = head(status, body.length);
        byte[] bytes = new byte[head.length + body.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(body, 0, bytes, head.length, body.length);
        return bytes;
    }

    private static byte[] head(int status, int length) {
        return ("HTTP/1.1 " + status + (status == 200 ? " OK" : " Internal Server Error")
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The headers and half of the body: a response that ends where no complete one could. */
    private static byte[] half(byte[] response) {
        return Arrays.copyOf(response, response.length - Math.max(1, (response.length - 60) / 2));
    }

    /** Stops listening and drops every open connection. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    /** One HTTP request: its path and body (by Content-Length or chunked). */
    private record Request(String path, byte[] body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                return Json.mapper().getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
            }
        }

        /** The next request on the connection, or null when the caller closed it between requests. */
        static @Nullable Request read(InputStream in) throws IOException {
            String requestLine = line(in);
            if (requestLine == null) {
                return null;
            }
            String[] parts = requestLine.split(" ");
            if (parts.length < 2) {
                throw new IOException("not an HTTP request line: " + requestLine);
            }
            int length = 0;
            boolean chunked = false;
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            String path = parts[1].contains("?") ? parts[1].substring(0, parts[1].indexOf('?')) : parts[1];
            return new Request(path, chunked ? chunks(in) : in.readNBytes(length));
        }

        private static byte[] chunks(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (String size = line(in); size != null; size = line(in)) {
                int length = Integer.parseInt(size.split(";")[0].trim(), 16);
                body.writeBytes(in.readNBytes(length));
                line(in);
                if (length == 0) {
                    break;
                }
            }
            return body.toByteArray();
        }

        private static @Nullable String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    return line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                }
                line.write(b);
            }
            return null;
        }
    }
}
