package dev.switchboard.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.json.Json;
import dev.switchboard.server.internal.journal.SqliteJournal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code state-dir} journal end to end: {@code batch} connections recorded and forgotten as
 * the event loops do it, then waiting until the writer thread has committed all of it (SQLite,
 * WAL, {@code synchronous=FULL}). The time per invocation divided by {@code batch} is one
 * connection's share of the journal: an insert and a delete, the record's JSON encoding and
 * its part of the fsync'd commits. {@code batch=1} is the write latency of a lone connect.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalBenchmark {
    @Param({"1", "64", "512"})
    public int batch = 1;

    private Path dir;
    private SqliteJournal journal;
    private Gauge queued;
    private final ObjectNode context = Json.mapper().createObjectNode().put("userId", "alice");
    private long next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("switchboard-journal-bench");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        journal = SqliteJournal.open(dir, "bench", meters);
        queued = meters.get("switchboard.journal.queued").gauge();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        journal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public void recordAndForget() {
        long first = next;
        for (int i = 0; i < batch; i++) {
            journal.opened(new ConnectionRecord(
                    "bench." + (first + i), "bench", "/chat", 1_700_000_000_000L, "127.0.0.1", null, null, context));
        }
        for (int i = 0; i < batch; i++) {
            journal.finished("bench." + (first + i));
        }
        next += batch;
        while (queued.value() > 0) {
            Thread.onSpinWait();
        }
    }
}
