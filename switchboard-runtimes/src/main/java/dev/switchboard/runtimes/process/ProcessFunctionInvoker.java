package dev.switchboard.runtimes.process;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.json.Json;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a Python or Node handler through its {@link WorkerPool}. The event is encoded on the
 * caller's thread; the pool's threads do the process I/O; the result, or the timeout, completes
 * on the invocation's executor. A handler that returned counts as an HTTP 200 answer with the
 * returned value as the body; one that raised as a failed invocation.
 */
final class ProcessFunctionInvoker implements FunctionInvoker {
    private static final Logger log = LoggerFactory.getLogger(ProcessFunctionInvoker.class);

    private final String name;
    private final WorkerPool pool;
    private final AtomicLong ids = new AtomicLong();

    ProcessFunctionInvoker(String name, WorkerPool pool) {
        this.name = name;
        this.pool = pool;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<FunctionResult> invoke(Invocation invocation) {
        long id = ids.incrementAndGet();
        byte[] request;
        try {
            request = request(id, invocation);
        } catch (IOException | RuntimeException e) {
            log.error("request {}: event for {} could not be built", invocation.requestId(), name, e);
            return CompletableFuture.completedFuture(
                    new FunctionResult.Failure("the event could not be built: " + e.getMessage()));
        }
        PendingCall call = new PendingCall(id, invocation, request);
        pool.submit(call);
        return call.result();
    }

    /** {@code {"type":"invoke","id":…,"event":…,"context":…}} and a newline. */
    private byte[] request(long id, Invocation invocation) throws IOException {
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator json = Json.factory().createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("type", "invoke");
            json.writeNumberField("id", id);
            json.writeFieldName("event");
            invocation.writer().write(invocation.event(), json);
            json.writeObjectFieldStart("context");
            json.writeStringField("request_id", invocation.requestId());
            json.writeStringField("function_name", name);
            json.writeStringField("function_version", "$LATEST");
            json.writeStringField("namespace", "default");
            json.writeNumberField("time_limit_in_ms", invocation.timeout().toMillis());
            json.writeNumberField("memory_limit_in_mb", ProcessFunctionInvokerFactory.MEMORY_LIMIT_IN_MB);
            if (invocation.traceparent() != null) {
                json.writeStringField("traceparent", invocation.traceparent());
            }
            json.writeEndObject();
            json.writeEndObject();
        }
        bytes.append('\n');
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        pool.close();
    }
}
