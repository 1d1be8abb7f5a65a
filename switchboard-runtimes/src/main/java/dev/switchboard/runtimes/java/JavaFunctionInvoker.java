package dev.switchboard.runtimes.java;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.json.Json;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls one in-process Java method with the event as a JSON tree. A returned value counts as an
 * HTTP 200 answer with that body; a thrown exception as a failed invocation (logged with its
 * stack trace). Results are delivered on the invocation's executor.
 */
final class JavaFunctionInvoker implements FunctionInvoker {
    private static final Logger log = LoggerFactory.getLogger(JavaFunctionInvoker.class);

    private final String name;
    private final @Nullable Object instance;
    private final Method method;
    private final ExecutorService blockingPool;
    private final boolean async;
    private final boolean wantsMap;
    private final boolean wantsContext;
    private final boolean lambda;

    JavaFunctionInvoker(String name, @Nullable Object instance, Method method, ExecutorService blockingPool) {
        this.name = name;
        this.instance = instance;
        this.method = method;
        this.blockingPool = blockingPool;
        this.async = CompletionStage.class.isAssignableFrom(method.getReturnType());
        this.wantsMap = method.getParameterTypes()[0] == Map.class;
        this.wantsContext = method.getParameterCount() == 2;
        this.lambda = LambdaHandlers.isHandler(method);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<FunctionResult> invoke(Invocation invocation) {
        CompletableFuture<FunctionResult> result = new CompletableFuture<>();
        Object[] arguments;
        try {
            arguments = arguments(invocation);
        } catch (IOException | RuntimeException e) {
            log.error("request {}: event for {} could not be built", invocation.requestId(), name, e);
            result.complete(new FunctionResult.Failure("the event could not be built: " + e.getMessage()));
            return result;
        }
        if (async) {
            callAsync(invocation, arguments, result);
        } else {
            callBlocking(invocation, arguments, result);
        }
        return result;
    }

    private void callAsync(Invocation invocation, Object[] arguments, CompletableFuture<FunctionResult> result) {
        CompletionStage<?> stage;
        try {
            stage = (CompletionStage<?>) method.invoke(instance, arguments);
        } catch (ReflectiveOperationException | RuntimeException e) {
            result.complete(failure(invocation, JavaFunctionInvokerFactory.unwrap(e)));
            return;
        }
        if (stage == null) {
            result.complete(response(null));
            return;
        }
        CompletableFuture<?> future = stage.toCompletableFuture();
        if (future.isDone()) {
            // completed synchronously on the caller's thread, which is the invocation's executor
            result.complete(outcome(invocation, future));
            return;
        }
        ScheduledFuture<?> timeout = scheduleTimeout(invocation, result);
        future.whenComplete((value, error) -> invocation.executor().execute(() -> {
            timeout.cancel(false);
            result.complete(error == null ? response(value) : failure(invocation, unwrapCompletion(error)));
        }));
    }

    private void callBlocking(Invocation invocation, Object[] arguments, CompletableFuture<FunctionResult> result) {
        ScheduledFuture<?> timeout = scheduleTimeout(invocation, result);
        try {
            blockingPool.execute(() -> {
                FunctionResult outcome;
                try {
                    outcome = response(method.invoke(instance, arguments));
                } catch (ReflectiveOperationException | RuntimeException | Error e) {
                    outcome = failure(invocation, JavaFunctionInvokerFactory.unwrap(e));
                }
                FunctionResult done = outcome;
                invocation.executor().execute(() -> {
                    timeout.cancel(false);
                    result.complete(done);
                });
            });
        } catch (RejectedExecutionException e) {
            timeout.cancel(false);
            result.complete(new FunctionResult.Failure("all Java function threads are busy and the queue is full"));
        }
    }

    private ScheduledFuture<?> scheduleTimeout(Invocation invocation, CompletableFuture<FunctionResult> result) {
        return invocation
                .executor()
                .schedule(
                        () -> result.complete(new FunctionResult.Timeout(invocation.timeout())),
                        invocation.timeout().toNanos(),
                        TimeUnit.NANOSECONDS);
    }

    private Object[] arguments(Invocation invocation) throws IOException {
        // the dialect writes into a token buffer, read back as a tree: no JSON text is produced
        // or parsed (the writers fall back from raw UTF-8 to strings for non-byte targets)
        TokenBuffer tokens = new TokenBuffer(Json.mapper(), false);
        invocation.writer().write(invocation.event(), tokens);
        ObjectNode event;
        try (JsonParser parser = tokens.asParserOnFirstToken()) {
            event = Json.mapper().readTree(parser);
        }
        if (lambda) {
            Class<?>[] types = method.getParameterTypes();
            return new Object[] {
                LambdaHandlers.MAPPER.convertValue(event, types[0]),
                LambdaHandlers.context(
                        types[1],
                        new FunctionContext(
                                invocation.requestId(),
                                name,
                                invocation.timeout().toMillis()))
            };
        }
        Object first = wantsMap ? Json.mapper().convertValue(event, Map.class) : event;
        if (!wantsContext) {
            return new Object[] {first};
        }
        return new Object[] {
            first,
            new FunctionContext(
                    invocation.requestId(), name, invocation.timeout().toMillis())
        };
    }

    private FunctionResult outcome(Invocation invocation, CompletableFuture<?> done) {
        try {
            return response(done.join());
        } catch (RuntimeException e) {
            return failure(invocation, unwrapCompletion(e));
        }
    }

    private static FunctionResult response(@Nullable Object value) {
        if (value == null) {
            return new FunctionResult.Response(200, null, "");
        }
        JsonNode body = value instanceof JsonNode node ? node : Json.mapper().valueToTree(value);
        return new FunctionResult.Response(200, body, "");
    }

    /**
     * A function that threw an exception failed its call. One that threw an {@link Error} (out of
     * memory, a stack overflow) ran in the gateway's own heap and threads, so the Error goes to
     * the thread's uncaught-exception handler like an Error anywhere else, which in the runnable
     * jar ends the process with status 70.
     */
    private FunctionResult failure(Invocation invocation, Throwable error) {
        if (error instanceof Error fatal) {
            Thread thread = Thread.currentThread();
            thread.getUncaughtExceptionHandler().uncaughtException(thread, fatal);
        }
        log.error("request {}: {} threw", invocation.requestId(), name, error);
        return new FunctionResult.Failure(name + " threw " + error);
    }

    private static Throwable unwrapCompletion(Throwable error) {
        return (error instanceof java.util.concurrent.CompletionException
                                || error instanceof java.util.concurrent.ExecutionException)
                        && error.getCause() != null
                ? error.getCause()
                : error;
    }
}
