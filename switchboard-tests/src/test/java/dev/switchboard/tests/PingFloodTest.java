package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client flooding 125-byte pings without reading, for a minute, against the runnable jar on
 * a 256 MiB heap: it costs the gateway its outbound budget and no more, it is closed with 1008
 * {@code ping flood} (again after every reconnect), and 100 other clients keep their echo
 * latency. The heap is measured after a full GC with {@code jcmd}; the figures are printed.
 */
class PingFloodTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final int OUTBOUND_BUFFER_BYTES = 1 << 20;
    /**
     * The constant beyond the budget: the flooder's connection itself and the read in progress,
     * the object pools an event loop keeps once a flood has filled them (Netty's recycler keeps
     * up to 4096 frame and buffer objects per thread), and the echo clients' messages in flight
     * when the heap is measured. Without the budget, each ping costs about 170 bytes of heap for
     * as long as the flood lasts, and the heap fills within a minute.
     */
    private static final long HEAP_ALLOWANCE_BYTES = 8L << 20;

    private static final int CLIENTS = 100;
    private static final Duration ECHO_PERIOD = Duration.ofMillis(200);
    /** The flood is cut into this many windows, each after a quiet window of the same echo load. */
    private static final int FLOOD_WINDOWS = 6;

    private static final Duration QUIET_WINDOW = Duration.ofSeconds(5);
    private static final Duration FLOOD = Duration.ofSeconds(Long.getLong("switchboard.ping-flood.seconds", 60));

    @TempDir
    Path dir;

    private final StubFunctionServer functions = StubFunctionServer.start();
    private final List<WsClient> clients = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Throwable> echoFailures = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> echoers = new ArrayList<>();
    private Process gateway;
    /** Counts the starts and ends of heap measurements (odd while one runs). */
    private final AtomicLong heapMeasurements = new AtomicLong();

    @AfterEach
    void stop() {
        stopping.set(true);
        clients.forEach(WsClient::close);
        for (Thread echoer : echoers) {
            try {
                echoer.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (gateway != null) {
            gateway.destroyForcibly();
        }
        functions.close();
    }

    @Test
    void aPingFloodCostsAtMostTheOutboundBudgetAndIsClosedWith1008WhileEveryOtherClientKeepsItsEchoes()
            throws Exception {
        URI echo = startGateway();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(WsClient.open(echo));
        }
        List<Long> baseline = Collections.synchronizedList(new ArrayList<>());
        List<Long> underFlood = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean flooding = new AtomicBoolean();
        for (WsClient client : clients) {
            echoers.add(daemon(() -> echoEvery(client, () -> flooding.get() ? underFlood : baseline)));
        }
        pause(QUIET_WINDOW);
        long heapBefore = heapAfterGc();

        // Quiet and flood windows alternate, so whatever else loads the machine weighs on both
        // columns alike and the p99s compare the flood with its absence, not two moments.
        long heapPeak = 0;
        List<String> samples = new ArrayList<>();
        int rounds = 0;
        for (int window = 0; window < FLOOD_WINDOWS; window++) {
            if (window > 0) {
                pause(QUIET_WINDOW);
            }
            flooding.set(true);
            long windowEnds = System.nanoTime() + FLOOD.toNanos() / FLOOD_WINDOWS;
            boolean sampled = false;
            while (System.nanoTime() < windowEnds) {
                int cleanups = functions.received("/cleanup").size();
                try (RawWebSocket flood = RawWebSocket.open(echo.getPort(), "/echo")) {
                    Thread writer = daemon(() -> flood.floodPings(new AtomicLong()));
                    await().atMost(WAIT)
                            .until(() -> functions.received("/cleanup").size() > cleanups);
                    if (!sampled) {
                        // measured while the flooder's connection is held open, its pongs unread
                        long heap = heapAfterGc();
                        samples.add("round " + rounds + ": " + (heap >> 10) + " KiB");
                        heapPeak = Math.max(heapPeak, heap);
                        sampled = true;
                    }
                    // what the flooder finds once it reads: the pongs it was owed, then 1008
                    RawWebSocket.Frame frame;
                    do {
                        frame = flood.readFrame();
                    } while (frame.opcode() != RawWebSocket.CLOSE);
                    assertThat(frame.closeCode()).isEqualTo(1008);
                    assertThat(new String(frame.payload(), 2, frame.payload().length - 2, StandardCharsets.UTF_8))
                            .isEqualTo("ping flood");
                    writer.interrupt();
                }
                rounds++;
            }
            flooding.set(false);
        }
        heapPeak = Math.max(heapPeak, heapAfterGc());
        flooding.set(false);
        stopping.set(true);
        for (Thread echoer : echoers) {
            echoer.join(WAIT.toMillis());
        }

        long p99Before = p99(baseline);
        long p99Flood = p99(underFlood);
        String figures = String.format(
                "ping flood: %d s, %d rounds each closed with 1008; heap after GC %d KiB before, peak %d KiB"
                        + " during (+%d KiB, budget %d KiB); echo p99 %.2f ms without the flood (%d echoes),"
                        + " %.2f ms with it (%d echoes)%n",
                FLOOD.toSeconds(),
                rounds,
                heapBefore >> 10,
                heapPeak >> 10,
                (heapPeak - heapBefore) >> 10,
                OUTBOUND_BUFFER_BYTES >> 10,
                p99Before / 1e6,
                baseline.size(),
                p99Flood / 1e6,
                underFlood.size());
        System.out.println(figures + "heap samples: " + samples);
        Files.writeString(Path.of("target", "ping-flood.txt"), figures + "heap samples: " + samples + "\n");

        assertThat(echoFailures).as("echo clients that got no echo").isEmpty();
        assertThat(gateway.isAlive()).isTrue();
        assertThat(rounds).isPositive();
        assertThat(functions.received("/cleanup")).hasSize(rounds).allSatisfy(cleanup -> {
            assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1008);
            assertThat(cleanup.get("closeReason").asText()).isEqualTo("ping flood");
            assertThat(cleanup.get("closedBy").asText()).isEqualTo("server");
        });
        assertThat(heapPeak - heapBefore).isLessThanOrEqualTo(OUTBOUND_BUFFER_BYTES + HEAP_ALLOWANCE_BYTES);
        // quiet and flood windows alternate, so the load of the machine weighs on both alike
        assertThat(p99Flood).as("the other clients' echo p99 under the flood").isLessThanOrEqualTo(2 * p99Before);
        assertThat(clients).allSatisfy(client -> assertThat(client.isOpen()).isTrue());
    }

    /**
     * The gateway on a 256 MiB heap. {@code close-timeout} is long because the flooder reads its
     * close frame only after the heap has been measured.
     */
    private URI startGateway() throws IOException {
        Path config = dir.resolve("flood.yaml");
        Files.writeString(config, """
                listen: 127.0.0.1:0
                push:
                  listen: 127.0.0.1:0
                limits:
                  outbound-buffer-bytes: %d
                  close-timeout: 60s
                routes:
                  - path: /echo
                    functions:
                      transfer: java:dev.switchboard.runtimes.java.builtin.Echo#transfer
                      cleanup: %s
                """.formatted(OUTBOUND_BUFFER_BYTES, functions.url("/cleanup")));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertThat(AppJar.JAR).exists();
        gateway = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-jar",
                        AppJar.JAR.toString(),
                        "serve",
                        "--config",
                        config.toString())
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile())
                .start();
        return AppJar.clientUrl(dir.resolve("stdout"), WAIT);
    }

    /** Sends a message every {@link #ECHO_PERIOD} and records how long its echo took. */
    private void echoEvery(WsClient client, java.util.function.Supplier<List<Long>> into) {
        long next = System.nanoTime();
        int n = 0;
        while (!stopping.get()) {
            long sent = System.nanoTime();
            long epochAtSend = heapMeasurements.get();
            try {
                client.sendText("echo " + n++);
                client.next(WAIT);
            } catch (RuntimeException | AssertionError e) {
                if (stopping.get()) {
                    return; // the test ended and closed the client
                }
                echoFailures.add(e);
                return;
            }
            // An echo that overlapped a heap measurement waited for the full GC the measurement
            // forces, not for the flood: it is not counted in either column.
            long epochAtEcho = heapMeasurements.get();
            if (epochAtSend == epochAtEcho && epochAtSend % 2 == 0) {
                into.get().add(System.nanoTime() - sent);
            }
            next += ECHO_PERIOD.toNanos();
            LockSupport.parkNanos(next - System.nanoTime()); // the pace of the load, not a wait
        }
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void pause(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(end - System.nanoTime()); // the length of a load phase, not a wait
        }
    }

    /** The gateway's heap in use after a full GC, as {@code jcmd GC.heap_info} reports it. */
    private long heapAfterGc() throws IOException, InterruptedException {
        heapMeasurements.incrementAndGet(); // odd while measuring: echoes in flight are not counted
        try {
            jcmd("GC.run");
            Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
            assertThat(used.find()).as("jcmd GC.heap_info names the heap used").isTrue();
            return Long.parseLong(used.group(1)) << 10;
        } finally {
            heapMeasurements.incrementAndGet();
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(gateway.pid()), command)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return output;
    }

    private static long p99(List<Long> nanos) {
        List<Long> sorted;
        synchronized (nanos) {
            sorted = new ArrayList<>(nanos);
        }
        assertThat(sorted).isNotEmpty();
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }
}
