package dev.switchboard.bench.jmh;

import dev.switchboard.core.dialect.tencent.TencentPushParser;
import dev.switchboard.core.push.PushCommand;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
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

/** Parsing {@code POST /push} bodies with {@code TencentPushParser}, as the push API does per request. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PushParsingBenchmark {
    @Param({"64", "4096"})
    public int payloadBytes = 64;

    private ByteBuf toConnection;
    private ByteBuf toGroup;

    @Setup
    public void setUp() {
        toConnection = Unpooled.wrappedBuffer(Fixtures.pushToConnection(payloadBytes));
        toGroup = Unpooled.wrappedBuffer(Fixtures.pushToGroup(payloadBytes));
    }

    /** A data send to one connection (the echo-push path). */
    @Benchmark
    public PushCommand parseSendToConnection() {
        return TencentPushParser.parse(new ByteBufInputStream(toConnection.duplicate()));
    }

    /** A data send to a group (the fan-out path). */
    @Benchmark
    public PushCommand parseSendToGroup() {
        return TencentPushParser.parse(new ByteBufInputStream(toGroup.duplicate()));
    }
}
