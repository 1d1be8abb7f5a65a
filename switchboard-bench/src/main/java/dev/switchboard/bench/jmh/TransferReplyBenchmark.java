package dev.switchboard.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.dialect.Dialect;
import dev.switchboard.core.dialect.TransferOutcome;
import dev.switchboard.core.dialect.tencent.TencentDialect;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.json.Json;
import dev.switchboard.runtimes.java.builtin.Echo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a transfer function's answer into the reply to send: from an HTTP response body (tree,
 * then {@code transferOutcome}), as {@code HttpFunctionPool.read} does; and the built-in in-process
 * {@code Echo} on an event tree, whose answer goes through the same {@code transferOutcome}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransferReplyBenchmark {
    @Param({"64", "4096"})
    public int payloadBytes = 64;

    private final Dialect dialect = new TencentDialect(TencentDialect.DATA_SEND);
    private final Echo echo = new Echo();
    private ByteBuf replyBody;
    private JsonNode eventTree;

    @Setup
    public void setUp() throws IOException {
        replyBody = Unpooled.wrappedBuffer(Fixtures.transferReply(payloadBytes));
        EventEncodingBenchmark encoding = new EventEncodingBenchmark();
        encoding.payloadBytes = payloadBytes;
        encoding.setUp();
        eventTree = encoding.encodeToTreeForInProcess();
    }

    /** An HTTP function's {@code {"reply":…}} body to the message to send back. */
    @Benchmark
    public TransferOutcome readHttpReply() throws IOException {
        JsonNode body = Json.mapper().readTree((InputStream) new ByteBufInputStream(replyBody.duplicate()));
        return dialect.transferOutcome(new FunctionResult.Response(200, body, ""));
    }

    /** The in-process Echo's answer to the message to send back (the event tree is built already). */
    @Benchmark
    public TransferOutcome echoInProcess() {
        JsonNode answer = echo.transfer(eventTree).toCompletableFuture().join();
        return dialect.transferOutcome(new FunctionResult.Response(200, answer, ""));
    }
}
