package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.config.Units;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random HTTP requests against the push and admin API of two live gateways, one without a token
 * and one with {@code push.token} and {@code push.push-token}: methods, paths with good and bad
 * escapes, queries, headers ({@code Host}, {@code Origin}, {@code Content-Type},
 * {@code Authorization}, {@code Content-Length}, chunked bodies, control characters) and bodies.
 * Every answer arrives within a bounded time and is a documented one (a status and errNo from the
 * error tables of events-and-push.md and admin-api.md, or an API Gateway error on
 * {@code @connections}), never a 5xx; after every request the listener still serves a good one.
 * The seeds are fixed, so a failure replays; jqwik prints each property's seed and the statistics
 * of what it generated.
 */
class PushHttpFuzzTest {
    private static final String TOKEN = "fuzz-token";
    private static final String PUSH_TOKEN = "fuzz-push-token";
    private static final int MAX_BODY_BYTES = 2048;
    /** An answer must come within this (the request timeout plus a margin for a loaded machine). */
    private static final int ANSWER_MILLIS = 10_000;
    /** The documented errors of the push listener: status to errNo. */
    private static final Map<Integer, Set<Integer>> ERROR_TABLE = Map.ofEntries(
            Map.entry(400, Set.of(4000, 4001, 4002, 4003)),
            Map.entry(401, Set.of(4010)),
            Map.entry(403, Set.of(4033, 4034, 4035)),
            Map.entry(404, Set.of(4040, 4041)),
            Map.entry(405, Set.of(4050)),
            Map.entry(408, Set.of(4080)),
            Map.entry(410, Set.of(4100)),
            Map.entry(413, Set.of(4130)),
            Map.entry(415, Set.of(4150)),
            Map.entry(429, Set.of(4290)),
            Map.entry(431, Set.of(4310)));
    /** API Gateway's errors on {@code @connections}: status to {@code x-amzn-ErrorType}. */
    private static final Map<Integer, String> AWS_ERRORS = Map.of(
            400, "BadRequestException",
            403, "ForbiddenException",
            410, "GoneException",
            413, "PayloadTooLargeException",
            429, "LimitExceededException");

    private static StubFunctionServer functions;
    private static TestGateway open;
    private static TestGateway guarded;

    /** One generated request and the kinds of its parts, for the statistics. */
    record FuzzRequest(byte[] bytes, String method, String pathKind, List<String> headerKinds, String bodyKind) {
        String shown() {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            return text.length() > 600 ? text.substring(0, 600) + "…" : text;
        }
    }

    private record Part(String kind, String text) {}

    @BeforeContainer
    static void start() {
        functions = StubFunctionServer.start();
        open = start(PushConfig.defaults());
        guarded = start(PushConfig.defaults().withToken(TOKEN).withPushToken(PUSH_TOKEN));
    }

    private static TestGateway start(PushConfig push) {
        return TestGateway.start(GatewayConfig.builder()
                .push(push.toBuilder()
                        .maxBodyBytes(MAX_BODY_BYTES)
                        .requestTimeout(Duration.ofSeconds(1))
                        .idleTimeout(Duration.ofSeconds(5))
                        .build())
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
    }

    @AfterContainer
    static void stop() {
        open.close();
        guarded.close();
        functions.close();
    }

    @Property(tries = 600, seed = "20261207")
    void randomRequestsWithoutATokenGetDocumentedAnswers(@ForAll("requests") FuzzRequest request) throws IOException {
        check(open, request);
    }

    @Property(tries = 600, seed = "20261208")
    void randomRequestsWithATokenGetDocumentedAnswers(@ForAll("requests") FuzzRequest request) throws IOException {
        check(guarded, request);
    }

    /**
     * The long run, by command: {@code -Dpush-fuzz.duration=10m -Dpush-fuzz.seed=N} (see
     * RELIABILITY.md). Requests come from the same generator, alternating between the two
     * gateways, from a {@link Random} seeded with {@code N}, so the same seed replays the same
     * requests. Without {@code push-fuzz.duration} it is skipped: the two properties above are
     * the CI run.
     */
    @Example
    void longRunByCommand() throws IOException {
        String duration = System.getProperty("push-fuzz.duration", "");
        Assume.that(!duration.isBlank());
        long seed = Long.getLong("push-fuzz.seed", System.nanoTime());
        System.out.println("push fuzz long run: seed " + seed + ", " + duration);
        long ends = System.nanoTime() + Units.duration(duration).toNanos();
        Random random = new Random(seed);
        RandomGenerator<FuzzRequest> generator = requests().generator(1000);
        long sent = 0;
        while (System.nanoTime() < ends) {
            check(sent % 2 == 0 ? open : guarded, generator.next(random).value());
            sent++;
        }
        System.out.println("push fuzz long run: seed " + seed + ", " + sent + " requests, 0 anomalies");
    }

    private static void check(TestGateway gateway, FuzzRequest request) throws IOException {
        int port = gateway.gateway().pushAddress().getPort();
        Statistics.label("method").collect(request.method());
        Statistics.label("path").collect(request.pathKind());
        Statistics.label("body").collect(request.bodyKind());
        for (String header : request.headerKinds()) {
            Statistics.label("header").collect(header);
        }
        RawHttp.Answer answer;
        try (RawHttp http = new RawHttp(port, ANSWER_MILLIS)) {
            try {
                http.write(request.bytes());
            } catch (IOException closedWhileSending) {
                // answered and closed before the whole body was sent (a refusal): read the answer
            }
            answer = http.read();
            while (answer.status() == 100) {
                answer = http.read();
            }
        } catch (IOException e) {
            throw new AssertionError("no answer (" + e + ") to:\n" + request.shown(), e);
        }
        Statistics.label("answer").collect(answer.status());
        assertDocumented(answer, request);
        try (RawHttp http = new RawHttp(port, ANSWER_MILLIS)) {
            RawHttp.Answer health = http.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .read();
            assertThat(health.status())
                    .as("a good request after:\n%s", request.shown())
                    .isEqualTo(200);
        }
    }

    private static void assertDocumented(RawHttp.Answer answer, FuzzRequest request) throws IOException {
        int status = answer.status();
        assertThat(status)
                .as("no 5xx for:\n%s\nanswer: %s", request.shown(), answer.body())
                .isLessThan(500);
        if (status < 300) {
            return;
        }
        String awsType = answer.header("x-amzn-ErrorType");
        if (awsType != null) {
            assertThat(AWS_ERRORS.get(status))
                    .as("%d %s for:\n%s", status, awsType, request.shown())
                    .isEqualTo(awsType);
            return;
        }
        JsonNode body = Json.mapper().readTree(answer.body());
        int errNo = body.path("errNo").asInt(-1);
        assertThat(ERROR_TABLE.getOrDefault(status, Set.of()))
                .as("HTTP %d errNo %d (%s) for:\n%s", status, errNo, body, request.shown())
                .contains(errNo);
        assertThat(body.path("errMsg").asText()).isNotBlank().doesNotContain("\n", "\r");
    }

    @Provide
    Arbitrary<FuzzRequest> requests() {
        Arbitrary<String> method = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just("POST")),
                net.jqwik.api.Tuple.of(6, Arbitraries.just("GET")),
                net.jqwik.api.Tuple.of(2, Arbitraries.just("DELETE")),
                net.jqwik.api.Tuple.of(
                        2, Arbitraries.of("PUT", "PATCH", "OPTIONS", "TRACE", "CONNECT", "FOO", "G\u00e9T")));
        Arbitrary<Part> path = Arbitraries.oneOf(
                Arbitraries.of(
                                "/push",
                                "/connections",
                                "/groups",
                                "/metrics",
                                "/stats",
                                "/healthz",
                                "/readyz",
                                "/dashboard")
                        .map(p -> new Part("endpoint", p)),
                segment().map(s -> new Part("connection", "/connections/" + s)),
                segment().map(s -> new Part("group", "/groups/" + s)),
                segment().map(s -> new Part("aws", "/@connections/" + s)),
                segment().map(s -> new Part("aws-stage", "/prod/%40connections/" + s)),
                segment().map(s -> new Part("other", "/" + s)),
                segment().map(s -> new Part("query", "/connections?limit=" + s + "&cursor=" + s)));
        Arbitrary<List<Part>> headers = header().list().ofMaxSize(6);
        Arbitrary<Part> body = Arbitraries.oneOf(
                Arbitraries.just(new Part("none", "")),
                Arbitraries.of(
                                "{\"websocket\":{\"action\":\"data send\",\"secConnectionID\":\"test.x\","
                                        + "\"dataType\":\"text\",\"data\":\"hi\"}}",
                                "{\"websocket\":{\"action\":\"info\",\"secConnectionID\":\"test.x\"}}",
                                "{\"websocket\":{\"action\":\"data send\",\"all\":true,\"dataType\":\"text\","
                                        + "\"data\":\"hi\"}}",
                                "{}",
                                "[]",
                                "null")
                        .map(b -> new Part("json", b)),
                Arbitraries.strings()
                        .withCharRange('\u0000', '\u00ff')
                        .ofMaxLength(200)
                        .map(b -> new Part("bytes", b)),
                Arbitraries.strings()
                        .withChars('x')
                        .ofMinLength(MAX_BODY_BYTES - 8)
                        .ofMaxLength(MAX_BODY_BYTES + 64)
                        .map(b -> new Part("near-limit", b)));
        Arbitrary<Part> framing = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, Arbitraries.just(new Part("content-length", "exact"))),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new Part("chunked", "chunked"))),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.of("-1", "1, 2", "abc", "99999999999999999999")
                                .map(v -> new Part("bad-content-length", v))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Part("repeated-content-length", "repeat"))));
        return Combinators.combine(method, path, headers, body, framing).as(PushHttpFuzzTest::assemble);
    }

    private static Arbitrary<String> segment() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(24),
                Arbitraries.of(
                        "%zz",
                        "%",
                        "%0a",
                        "%0d%0aX-Injected:%201",
                        "%00",
                        "%ff%fe",
                        "%2F",
                        "..%2F..",
                        "%1b[31m",
                        "test.%41bc",
                        "a%20b",
                        "%C3%A9",
                        "%E2%80%A8"),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40).map(s -> s.replace(" ", "")));
    }

    private static Arbitrary<Part> header() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                                "Content-Type: application/json",
                                "Content-Type: application/json; charset=utf-8",
                                "Content-Type: text/plain",
                                "Content-Type: application/x-www-form-urlencoded",
                                "Content-Type: multipart/form-data; boundary=x",
                                "Content-Type: ")
                        .map(h -> new Part("content-type", h)),
                Arbitraries.of(
                                "Origin: https://evil.example",
                                "Origin: null",
                                "Origin: http://127.0.0.1",
                                "Origin: http://localhost:1")
                        .map(h -> new Part("origin", h)),
                Arbitraries.of(
                                "Host: rebind.attacker.example",
                                "Host: localhost",
                                "Host: [::1]",
                                "Host: 127.0.0.1:1",
                                "Host: ",
                                "Host: a b")
                        .map(h -> new Part("host", h)),
                Arbitraries.of(
                                "Authorization: Bearer " + TOKEN,
                                "Authorization: Bearer " + PUSH_TOKEN,
                                "Authorization: Bearer wrong",
                                "Authorization: Basic Zm9vOmJhcg==",
                                "Authorization: AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/execute-api/aws4_request,"
                                        + " SignedHeaders=host, Signature=00",
                                "Authorization: ")
                        .map(h -> new Part("authorization", h)),
                Arbitraries.of("Expect: 100-continue", "Connection: close", "Connection: keep-alive")
                        .map(h -> new Part("connection", h)),
                Arbitraries.strings()
                        .withCharRange('\u0000', '\u00ff')
                        .ofMaxLength(60)
                        .map(v -> new Part(
                                "random", "X-Fuzz: " + v.replace("\r", "").replace("\n", ""))),
                Arbitraries.strings()
                        .withChars('a')
                        .ofMinLength(9000)
                        .ofMaxLength(9000)
                        .map(v -> new Part("huge", "X-Huge: " + v)));
    }

    private static FuzzRequest assemble(String method, Part path, List<Part> headers, Part body, Part framing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] content = body.text().getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder head = new StringBuilder(method + " " + path.text() + " HTTP/1.1\r\n");
        boolean hasHost = headers.stream().anyMatch(h -> h.kind().equals("host"));
        if (!hasHost) {
            head.append("Host: 127.0.0.1\r\n");
        }
        List<String> kinds = new ArrayList<>();
        for (Part header : headers) {
            head.append(header.text()).append("\r\n");
            kinds.add(header.kind());
        }
        kinds.add(framing.kind());
        boolean chunked = framing.kind().equals("chunked");
        switch (framing.kind()) {
            case "chunked" -> head.append("Transfer-Encoding: chunked\r\n");
            case "bad-content-length" ->
                head.append("Content-Length: ").append(framing.text()).append("\r\n");
            case "repeated-content-length" ->
                head.append("Content-Length: ")
                        .append(content.length)
                        .append("\r\nContent-Length: ")
                        .append(content.length + 1)
                        .append("\r\n");
            default -> head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (chunked) {
            if (content.length > 0) {
                out.writeBytes((Integer.toHexString(content.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(content);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            out.writeBytes(content);
        }
        return new FuzzRequest(out.toByteArray(), method, path.kind(), kinds, body.kind());
    }
}
