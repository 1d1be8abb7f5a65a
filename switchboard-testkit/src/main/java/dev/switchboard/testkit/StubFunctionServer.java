package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A real HTTP function server on a free loopback port, as a test's registration, transfer and
 * cleanup functions. Each path answers with a programmable {@link Responder} (by default HTTP 200
 * with {@code {"errNo":0,"errMsg":"ok"}}) and records every call it receives.
 */
public final class StubFunctionServer implements AutoCloseable {
    /** Decides the answer to one call. */
    @FunctionalInterface
    public interface Responder extends Function<JsonNode, StubResponse> {}

    /** One received call. */
    public record Call(JsonNode body, Map<String, List<String>> headers) {
        /** A header value (first), or null. */
        public String header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                    return header.getValue().get(0);
                }
            }
            return null;
        }
    }

    static {
        // Without TCP_NODELAY the JDK server's response headers and body travel in two segments,
        // and Nagle's algorithm waits for the delayed ACK of the first: ~40 ms per call.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // Past 200 idle connections the JDK server closes the next one to go idle, after it has
        // answered with keep-alive: a call the gateway writes to it meanwhile fails, and is not
        // sent again (the server might have read it). A test with more connections than that
        // would see the stub's failures, not the gateway's.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "stub-function");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Responder> responders = new ConcurrentHashMap<>();
    private final Map<String, List<Call>> calls = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private volatile boolean recording = true;

    private StubFunctionServer(HttpServer server) {
        this.server = server;
    }

    /** Starts a server on a free loopback port. */
    public static StubFunctionServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            StubFunctionServer stub = new StubFunctionServer(server);
            server.createContext("/", stub::handle);
            server.setExecutor(stub.executor);
            server.start();
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL of {@code path} on this server. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** {@code path} as a function target. */
    public FunctionTarget target(String path) {
        return FunctionTarget.parse(url(path));
    }

    /** Makes {@code path} answer with {@code responder}. */
    public StubFunctionServer on(String path, Responder responder) {
        responders.put(path, responder);
        return this;
    }

    /**
     * Stops keeping the calls' bodies (only counting them), for long runs whose memory must not
     * grow with the traffic.
     */
    public StubFunctionServer countOnly() {
        recording = false;
        return this;
    }

    /** How many calls {@code path} received so far. */
    public long count(String path) {
        var count = counts.get(path);
        return count == null ? 0 : count.get();
    }

    /** The calls {@code path} received so far, in arrival order. */
    public List<Call> calls(String path) {
        return List.copyOf(calls.getOrDefault(path, List.of()));
    }

    /** The bodies {@code path} received so far, in arrival order. */
    public List<JsonNode> received(String path) {
        List<JsonNode> bodies = new ArrayList<>();
        for (Call call : calls(path)) {
            bodies.add(call.body());
        }
        return bodies;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] request = exchange.getRequestBody().readAllBytes();
        JsonNode body;
        try {
            body = Json.mapper().readTree(request);
        } catch (IOException e) {
            body = Json.mapper().getNodeFactory().textNode(new String(request, StandardCharsets.UTF_8));
        }
        counts.computeIfAbsent(path, p -> new AtomicLong()).incrementAndGet();
        if (recording) {
            calls.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                    .add(new Call(body, Map.copyOf(exchange.getRequestHeaders())));
        }
        StubResponse response =
                responders.getOrDefault(path, event -> StubResponse.ok()).apply(body);
        if (!response.delay().isZero()) {
            try {
                Thread.sleep(response.delay().toMillis()); // the function is slow: that is what is being tested
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops listening: later calls are refused, as with a function that is down. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A JSON object built in one expression, for responders. */
    public static ObjectNode json() {
        return Json.mapper().createObjectNode();
    }

    /** What a stub answers: status, body, content type, and how long it takes. */
    public record StubResponse(int status, String body, String contentType, Duration delay) {
        /** HTTP 200 with {@code {"errNo":0,"errMsg":"ok"}}. */
        public static StubResponse ok() {
            return json(200, "{\"errNo\":0,\"errMsg\":\"ok\"}");
        }

        /** HTTP {@code status} with a JSON body. */
        public static StubResponse json(int status, String body) {
            return new StubResponse(status, body, "application/json", Duration.ZERO);
        }

        /** HTTP 200 with {@code node} as the body. */
        public static StubResponse json(JsonNode node) {
            return json(200, node.toString());
        }

        /** Accepts a connection, choosing {@code subprotocol} (null for none). */
        public static StubResponse accept(String subprotocol) {
            ObjectNode body = StubFunctionServer.json().put("errNo", 0).put("errMsg", "ok");
            ObjectNode websocket = body.putObject("websocket").put("action", "connecting");
            if (subprotocol != null) {
                websocket.put("secWebSocketProtocol", subprotocol);
            }
            return json(body);
        }

        /** Refuses a connection with {@code errNo} and {@code errMsg}. */
        public static StubResponse refuse(int errNo, String errMsg) {
            return json(StubFunctionServer.json().put("errNo", errNo).put("errMsg", errMsg));
        }

        /** HTTP {@code status} with a plain-text body. */
        public static StubResponse text(int status, String body) {
            return new StubResponse(status, body, "text/plain", Duration.ZERO);
        }

        /** This response, sent after {@code delay}. */
        public StubResponse after(Duration delay) {
            return new StubResponse(status, body, contentType, delay);
        }
    }
}
