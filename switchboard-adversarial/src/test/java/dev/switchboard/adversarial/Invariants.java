package dev.switchboard.adversarial;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-level invariants, checked from outside every half second while a suite runs: the
 * node is alive, {@code /healthz} answers 200 within 1 s (a second try at once forgives one late
 * answer on a loaded machine), its open files stay under a bound and
 * its old generation under a share of the heap. Breaches are collected, not thrown, so a run
 * reports all it found.
 */
final class Invariants implements AutoCloseable {
    private static final Duration HEALTH_WITHIN = Duration.ofSeconds(1);
    private static final Duration EVERY = Duration.ofMillis(500);

    private final GatewayProcess gateway;
    private final long maxOpenFiles;
    private final long maxOldGenBytes;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "invariants");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> breaches = new ArrayList<>();
    private final AtomicInteger checks = new AtomicInteger();
    private volatile long peakOpenFiles;
    private volatile long slowestHealthNanos;
    private volatile double peakHeapBytes;
    private volatile double peakOldGenBytes;

    /**
     * Starts checking {@code gateway}.
     *
     * @param maxOpenFiles the most file descriptors the process may hold
     * @param maxOldGenBytes the most bytes its old generation may use
     */
    Invariants(GatewayProcess gateway, long maxOpenFiles, long maxOldGenBytes) {
        this.gateway = gateway;
        this.maxOpenFiles = maxOpenFiles;
        this.maxOldGenBytes = maxOldGenBytes;
        // the first requests load and compile the push listener's classes: not what is measured
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> gateway.health(HEALTH_WITHIN) == 200 || !gateway.isAlive());
        timer.scheduleWithFixedDelay(this::check, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks every invariant once; also called at the end of a run. */
    synchronized void check() {
        if (!gateway.isAlive()) {
            breach("the node exited");
            return;
        }
        checks.addAndGet(3);
        long start = System.nanoTime();
        int health = gateway.health(HEALTH_WITHIN);
        if (health != 200) {
            // one late answer on a loaded machine is not a sick process; two in a row are
            health = gateway.health(HEALTH_WITHIN);
        }
        slowestHealthNanos = Math.max(slowestHealthNanos, System.nanoTime() - start);
        if (health != 200) {
            breach("GET /healthz answered " + (health < 0 ? "nothing" : health) + " within " + HEALTH_WITHIN
                    + " (after " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms)");
        }
        long files = gateway.openFiles();
        peakOpenFiles = Math.max(peakOpenFiles, files);
        if (files > maxOpenFiles) {
            breach(files + " open files (bound: " + maxOpenFiles + ")");
        }
        gateway.metric("jvm_memory_used_bytes", "area=\"heap\"")
                .ifPresent(bytes -> peakHeapBytes = Math.max(peakHeapBytes, bytes));
        gateway.metric("jvm_memory_used_bytes", "Old Gen").ifPresent(bytes -> {
            peakOldGenBytes = Math.max(peakOldGenBytes, bytes);
            if (bytes > maxOldGenBytes) {
                breach("old generation holds " + (long) bytes + " bytes (bound: " + maxOldGenBytes + ")");
            }
        });
    }

    private void breach(String what) {
        if (breaches.size() < 20
                && (breaches.isEmpty() || !breaches.get(breaches.size() - 1).equals(what))) {
            breaches.add(what);
        }
    }

    synchronized List<String> breaches() {
        return List.copyOf(breaches);
    }

    int checks() {
        return checks.get();
    }

    /** Peak open files, heap and old generation, for the report. */
    String peaks() {
        return "slowest /healthz " + Duration.ofNanos(slowestHealthNanos).toMillis() + " ms, peak open files "
                + peakOpenFiles + ", peak heap " + (long) (peakHeapBytes / (1 << 20))
                + " MiB, peak old generation " + (long) (peakOldGenBytes / (1 << 20)) + " MiB";
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
