package dev.switchboard.bench.load;

import dev.switchboard.bench.report.Latency;
import dev.switchboard.bench.report.RunResult;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts and times one run from several event loops. Only operations that complete while the
 * window is open ({@link #open} to {@link #close}) count; warm-up before and the drain after are
 * excluded. Answers that do not match what was sent are counted apart and never as operations.
 */
public final class Measurement {
    private final Recorder latency = new Recorder(3);
    private final LongAdder operations = new LongAdder();
    private final LongAdder mismatched = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean measuring;
    private volatile boolean sending = true;
    private final long serverPid;
    private long openedNanos;
    private long closedNanos;
    private long cpuAtOpen = -1;
    private long cpuAtClose = -1;
    private long memoryAtClose = -1;

    /** A measurement that also reads the CPU time of {@code serverPid} over its window (0: none). */
    public Measurement(long serverPid) {
        this.serverPid = serverPid;
    }

    /** Opens the measurement window: from now on completions count. */
    public void open() {
        latency.reset();
        operations.reset();
        mismatched.reset();
        openedNanos = System.nanoTime();
        cpuAtOpen = ProcessCpu.micros(serverPid);
        measuring = true;
    }

    /** Closes the window and stops senders from starting new operations. */
    public void close() {
        measuring = false;
        sending = false;
        closedNanos = System.nanoTime();
        cpuAtClose = ProcessCpu.micros(serverPid);
        memoryAtClose = ProcessMemory.pssBytes(serverPid);
    }

    /** True while senders may start operations. */
    public boolean sending() {
        return sending;
    }

    /** An operation started (for {@link #inFlight}). */
    void started() {
        inFlight.incrementAndGet();
    }

    /** {@code count} operations started (or, negative, were found never to start). */
    void started(int count) {
        inFlight.addAndGet(count);
    }

    /** An operation ended with a verified answer after {@code nanos}. */
    void completed(long nanos) {
        inFlight.decrementAndGet();
        if (measuring) {
            operations.increment();
            latency.recordValue(Math.max(0, nanos));
        }
    }

    /** An operation ended with an answer that did not match what was sent. */
    void mismatched() {
        inFlight.decrementAndGet();
        if (measuring) {
            mismatched.increment();
        }
    }

    /** Something failed (a connect, a request, a connection lost). Counted whether or not measuring. */
    public void error() {
        errors.increment();
    }

    /** Operations started and not yet answered. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Waits up to {@code millis} for in-flight operations to finish; true if none is left. */
    public boolean awaitDrained(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return inFlight.get() <= 0;
    }

    /** The server's CPU microseconds per counted operation in the window; NaN when not measured. */
    private double cpuMicrosPerOperation(long count) {
        if (cpuAtOpen < 0 || cpuAtClose < 0 || count == 0) {
            return Double.NaN;
        }
        return Math.round((cpuAtClose - cpuAtOpen) * 100.0 / count) / 100.0;
    }

    /** The figures of the closed window. */
    public RunResult result(String name, String server, int connections, int payloadBytes, double targetRate) {
        Histogram histogram = latency.getIntervalHistogram();
        double seconds = (closedNanos - openedNanos) / 1e9;
        long count = operations.sum();
        return new RunResult(
                name,
                server,
                connections,
                payloadBytes,
                targetRate,
                Math.round(seconds * 1000) / 1000.0,
                count,
                Math.round(count / seconds * 10) / 10.0,
                mismatched.sum(),
                errors.sum(),
                Latency.of(histogram),
                cpuMicrosPerOperation(count),
                memoryAtClose);
    }
}
