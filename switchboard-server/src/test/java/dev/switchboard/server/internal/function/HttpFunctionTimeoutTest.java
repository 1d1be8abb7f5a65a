package dev.switchboard.server.internal.function;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.dialect.tencent.TencentDialect;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.MessageEvent;
import dev.switchboard.core.model.RequestContext;
import dev.switchboard.server.internal.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP function calls end with a timeout at their own timeout, however many calls are in flight
 * and whatever their timeouts, and the pool keeps working afterwards.
 */
class HttpFunctionTimeoutTest {
    /**
     * How late a timeout may end here. By design at most 1 ms ({@link CallDeadlines}); the rest
     * is room for a loaded test machine, where a thread can wait that long for a core.
     */
    private static final long SLACK_MILLIS = 500;

    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private final HttpServer server = server();
    private final EventLoopGroup group = Transport.best().newGroup(1, new DefaultThreadFactory("function-test", true));
    private final EventLoop loop = group.next();
    private final FunctionInvoker invoker = new HttpFunctionInvokerFactory(group, Transport.best())
            .create(new FunctionTarget.Http(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/transfer")))
            .orElseThrow();

    /** One answered call first, so that class loading and the first connect are not timed. */
    @BeforeEach
    void warmUp() throws Exception {
        assertThat(ended(call("ok", Duration.ofSeconds(10))).result()).isInstanceOf(FunctionResult.Response.class);
    }

    @AfterEach
    void stop() {
        release.countDown();
        invoker.close();
        server.stop(0);
        serverThreads.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers a message "ok" at once; any other message only once the test ends. */
    private HttpServer server() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/transfer", this::answer);
            http.setExecutor(serverThreads);
            http.start();
            return http;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!body.contains("\"data\":\"ok\"")) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] answer = "{\"errNo\":0}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private record Ended(FunctionResult result, long afterMillis) {}

    private CompletableFuture<Ended> call(String text, Duration timeout) {
        MessageEvent event = new MessageEvent(
                new RequestContext("service", "release", "/chat", "127.0.0.1", "request-" + text),
                "connection",
                Message.text(text),
                null);
        long started = System.nanoTime();
        Invocation invocation =
                new Invocation(event, new TencentDialect(TencentDialect.DATA_SEND).eventWriter(), timeout, loop);
        return invoker.invoke(invocation)
                .thenApply(result -> new Ended(result, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)))
                .toCompletableFuture();
    }

    private static Ended ended(CompletableFuture<Ended> call) throws Exception {
        return call.get(30, TimeUnit.SECONDS);
    }

    private static void assertTimedOutOnTime(Ended ended, Duration timeout) {
        assertThat(ended.result()).isEqualTo(new FunctionResult.Timeout(timeout));
        assertThat(ended.afterMillis()).isBetween(timeout.toMillis(), timeout.toMillis() + SLACK_MILLIS);
    }

    @Test
    void aFunctionThatDoesNotAnswerTimesOutAtTheTimeoutAndNotBefore() throws Exception {
        Duration timeout = Duration.ofMillis(300);

        assertTimedOutOnTime(ended(call("hang", timeout)), timeout);
        Ended next = ended(call("ok", Duration.ofSeconds(10)));

        assertThat(next.result()).isInstanceOf(FunctionResult.Response.class);
        assertThat(((FunctionResult.Response) next.result()).status()).isEqualTo(200);
    }

    @Test
    void aShortTimeoutStartedAfterALongOneEndsAtItsOwnTimeout() throws Exception {
        Duration longTimeout = Duration.ofSeconds(20);
        Duration shortTimeout = Duration.ofMillis(300);
        CompletableFuture<Ended> slow = call("hang long", longTimeout);

        Ended quick = ended(call("hang short", shortTimeout));

        assertTimedOutOnTime(quick, shortTimeout);
        assertThat(slow).isNotDone();
    }

    @Test
    void manyCallsInFlightEachTimeOutAtTheirOwnTimeout() throws Exception {
        List<CompletableFuture<Ended>> calls = new ArrayList<>();
        List<Duration> timeouts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Duration timeout = Duration.ofMillis(200 + 10L * (i % 4));
            timeouts.add(timeout);
            calls.add(call("hang " + i, timeout));
        }
        CompletableFuture<Ended> answered = call("ok", Duration.ofSeconds(10));

        for (int i = 0; i < calls.size(); i++) {
            assertTimedOutOnTime(ended(calls.get(i)), timeouts.get(i));
        }
        assertThat(ended(answered).result()).isInstanceOf(FunctionResult.Response.class);
    }
}
