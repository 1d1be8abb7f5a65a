package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.RuntimesConfig;
import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.FunctionTarget.Language;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.MessageEvent;
import dev.switchboard.core.model.RequestContext;
import dev.switchboard.runtimes.process.ProcessFunctionInvokerFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@link FunctionInvoker} contract, held by the process runtimes without a gateway around
 * them: every result, whether an answer, a raised exception or a timeout, completes on the
 * invocation's executor and never exceptionally.
 */
class ProcessInvokerContractTest {
    private static final String LOOP = "the-connections-loop";

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, LOOP));
    private final ProcessFunctionInvokerFactory factory = new ProcessFunctionInvokerFactory(
            RuntimesConfig.builder().workers(1).build(), Map::of);

    @AfterEach
    void stop() {
        factory.close();
        loop.shutdownNow();
    }

    /** Writes just what the test handlers read: the message and the connection id. */
    private static final EventWriter WRITER = (event, json) -> {
        MessageEvent message = (MessageEvent) event;
        json.writeStartObject();
        json.writeObjectFieldStart("websocket");
        json.writeStringField("secConnectionID", message.connectionId());
        json.writeStringField("dataType", "text");
        json.writeStringField("data", message.message().text());
        json.writeEndObject();
        json.writeObjectFieldStart("requestContext");
        json.writeStringField("requestId", message.requestContext().requestId());
        json.writeEndObject();
        json.writeEndObject();
    };

    private record Outcome(FunctionResult result, String thread) {}

    private Outcome call(FunctionInvoker invoker, String text, Duration timeout) throws Exception {
        MessageEvent event = new MessageEvent(
                new RequestContext("service", "release", "/chat", "127.0.0.1", "request-" + text),
                "node.connection",
                Message.text(text),
                null);
        // the loop waits until the test listens: a result completed before thenApply is attached
        // would run it on this thread and say nothing of the thread that completed the call
        CountDownLatch listening = new CountDownLatch(1);
        loop.execute(() -> awaitQuietly(listening));
        CompletableFuture<Outcome> outcome = invoker.invoke(new Invocation(event, WRITER, timeout, loop))
                .thenApply(result -> new Outcome(result, Thread.currentThread().getName()))
                .toCompletableFuture();
        listening.countDown();
        return outcome.get(30, TimeUnit.SECONDS);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void answersFailuresAndTimeoutsAllCompleteOnTheInvocationsExecutor(Language language) throws Exception {
        FunctionInvoker invoker =
                factory.create(Handlers.lifecycle(language, "transfer")).orElseThrow();

        Outcome answer = call(invoker, "hello", Duration.ofSeconds(10));
        assertThat(answer.result()).isInstanceOf(FunctionResult.Response.class);
        assertThat(((FunctionResult.Response) answer.result())
                        .body()
                        .at("/reply/data")
                        .asText())
                .isEqualTo("hello");
        assertThat(answer.thread()).isEqualTo(LOOP);

        Outcome raised = call(invoker, "raise", Duration.ofSeconds(10));
        assertThat(raised.result()).isInstanceOf(FunctionResult.Failure.class);
        assertThat(raised.result().describe()).contains("raised").contains("transfer was told to raise");
        assertThat(raised.thread()).isEqualTo(LOOP);

        Outcome stuck = call(invoker, "hang", Duration.ofMillis(1500));
        assertThat(stuck.result()).isEqualTo(new FunctionResult.Timeout(Duration.ofMillis(1500)));
        assertThat(stuck.thread()).isEqualTo(LOOP);

        Outcome afterwards = call(invoker, "again", Duration.ofSeconds(10));
        assertThat(afterwards.result()).isInstanceOf(FunctionResult.Response.class);
        assertThat(afterwards.thread()).isEqualTo(LOOP);
    }
}
