package dev.switchboard.bench.jmh;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.switchboard.core.dialect.tencent.TencentDialect;
import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.MessageEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
 * Writing a transfer event with {@code TencentDialect.eventWriter()}: into a pooled buffer, as
 * the HTTP invoker does per message, and into bytes then a tree, as the in-process Java invoker
 * does before calling the function.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventEncodingBenchmark {
    @Param({"64", "4096"})
    public int payloadBytes = 64;

    private EventWriter writer;
    private MessageEvent event;

    @Setup
    public void setUp() {
        writer = new TencentDialect(TencentDialect.DATA_SEND).eventWriter();
        event = Fixtures.messageEvent(payloadBytes);
    }

    /** What {@code HttpFunctionPool.encode} does for every HTTP transfer call. */
    @Benchmark
    public int encodeToPooledBuffer() throws IOException {
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer(512);
        try (JsonGenerator generator = Json.factory().createGenerator((OutputStream) new ByteBufOutputStream(body))) {
            writer.write(event, generator);
        }
        int size = body.readableBytes();
        body.release();
        return size;
    }

    /** What {@code JavaFunctionInvoker.arguments} does for every in-process call: tokens, then a tree. */
    @Benchmark
    public JsonNode encodeToTreeForInProcess() throws IOException {
        TokenBuffer tokens = new TokenBuffer(Json.mapper(), false);
        writer.write(event, tokens);
        try (JsonParser parser = tokens.asParserOnFirstToken()) {
            return Json.mapper().readTree(parser);
        }
    }

    /** What in-process calls did before the token buffer, for comparison: JSON bytes, parsed back. */
    @Benchmark
    public JsonNode encodeToTextThenTree() throws IOException {
        ByteArrayBuilder bytes = new ByteArrayBuilder(512);
        try (JsonGenerator generator = Json.factory().createGenerator(bytes)) {
            writer.write(event, generator);
        }
        return Json.mapper().readTree(bytes.toByteArray());
    }
}
