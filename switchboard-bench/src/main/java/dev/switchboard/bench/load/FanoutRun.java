package dev.switchboard.bench.load;

import dev.switchboard.bench.report.RunResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fan-out: {@code members} connections in one group, and pushes to the group through the push
 * API, a few rounds in flight. Counts frames that carry exactly the pushed payload; latency is
 * from sending the push to each frame's arrival. A round ends when every member it was
 * delivered to (per the push answer) has received it. A publish that fails or reaches fewer
 * members, and each frame still missing after the drain, count as errors.
 */
public final class FanoutRun implements WsListener {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(120);
    private static final long DRAIN_MILLIS = 10_000;
    private static final long ROUND_TIMEOUT_SECONDS = 30;

    private final Measurement measurement;
    private final Map<Long, Round> rounds = new ConcurrentHashMap<>();
    private final Semaphore permits;
    private final int members;

    private final class Round {
        final long number;
        final byte[] payload;
        final AtomicInteger remaining;
        final AtomicBoolean ended = new AtomicBoolean();
        volatile long sentNanos;

        Round(long number, byte[] payload) {
            this.number = number;
            this.payload = payload;
            this.remaining = new AtomicInteger(members);
        }

        /**
         * Counts {@code delta} frames arrived (negative) or owed (the push answer's shortfall).
         * The round ends, once, when none is owed: the push answer may come after its last frame,
         * and ending the round again there would let one round more into flight every time.
         */
        void adjust(int delta) {
            if (remaining.addAndGet(delta) == 0 && ended.compareAndSet(false, true)) {
                rounds.remove(number);
                permits.release();
            }
        }
    }

    private FanoutRun(int members, int roundsInFlight, long serverPid) {
        this.members = members;
        this.measurement = new Measurement(serverPid);
        this.permits = new Semaphore(roundsInFlight);
    }

    /**
     * Connects {@code spec.connections()} members to {@code ws}, then publishes to them all with
     * {@code publisher}; {@code server} names the server in the report.
     */
    public static RunResult run(
            String name, String server, URI ws, Publisher publisher, LoadSpec spec, int roundsInFlight)
            throws InterruptedException {
        return new FanoutRun(spec.connections(), roundsInFlight, spec.serverPid())
                .execute(name, server, ws, publisher, spec);
    }

    private RunResult execute(String name, String server, URI ws, Publisher publisher, LoadSpec spec)
            throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (WsLoadClient client = new WsLoadClient(ws, spec.threads(), spec.sourceAddresses())) {
            ConnectResult connected =
                    client.connect(0, members, spec.maxPendingConnects(), CONNECT_TIMEOUT, index -> this);
            for (int i = 0; i < connected.failed(); i++) {
                measurement.error();
            }
            Thread pusher = new Thread(() -> pushRounds(http, publisher, spec.payloadBytes()), "fanout-pusher");
            pusher.start();
            Thread.sleep(spec.warmup().toMillis());
            measurement.open();
            Thread.sleep(spec.duration().toMillis());
            measurement.close();
            pusher.join(TimeUnit.SECONDS.toMillis(ROUND_TIMEOUT_SECONDS + 5));
            if (!measurement.awaitDrained(DRAIN_MILLIS)) {
                // frames that never arrived: each one is a miss
                for (int i = measurement.inFlight(); i > 0; i--) {
                    measurement.error();
                }
            }
            WsLoadClient.closeAll(connected.open(), Duration.ofSeconds(30));
            return measurement.result(name, server, connected.open().size(), spec.payloadBytes(), 0);
        }
    }

    private void pushRounds(HttpClient http, Publisher publisher, int payloadBytes) {
        long number = 0;
        try {
            while (measurement.sending()) {
                if (!permits.tryAcquire(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    measurement.error(); // a round never completed; carry on with a fresh permit
                }
                if (!measurement.sending()) {
                    return;
                }
                Round round = new Round(++number, Payloads.forRound(payloadBytes, number));
                rounds.put(round.number, round);
                measurement.started(members);
                HttpRequest request = publisher.request(round.payload);
                round.sentNanos = System.nanoTime();
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, error) ->
                                onPushAnswer(round, error == null ? publisher.delivered(response) : 0));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onPushAnswer(Round round, int delivered) {
        if (delivered < members) {
            measurement.error();
            measurement.started(delivered - members);
        }
        round.adjust(delivered - members);
    }

    @Override
    public void onData(WsConnection connection, ByteBuf content) {
        byte[] bytes = ByteBufUtil.getBytes(content);
        Round round = rounds.get(Payloads.roundOf(bytes));
        if (round != null && Arrays.equals(bytes, round.payload)) {
            measurement.completed(System.nanoTime() - round.sentNanos);
            round.adjust(-1);
        } else {
            measurement.mismatched();
        }
    }
}
