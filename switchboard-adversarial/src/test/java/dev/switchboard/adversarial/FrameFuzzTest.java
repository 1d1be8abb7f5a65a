package dev.switchboard.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.adversarial.FrameCase.Step;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.RandomGenerator;

/**
 * The WebSocket frame fuzzer: generated conversations of valid and invalid frames (fragments,
 * interleaved control frames, missing masks, reserved bits, bad opcodes and lengths, bad UTF-8,
 * oversized frames, permessage-deflate messages and bombs), each on its own raw socket to the
 * runnable jar. For every case the gateway's answer is the documented one (the echoes, the pongs,
 * the close code of the docs' close-code table) and the connection's cleanup arrives exactly
 * once, saying who closed and with which code, while the process stays healthy and a
 * well-behaved client beside the fuzzer keeps getting its echoes.
 *
 * <p>The build runs {@value #CASES} cases from seed {@value #SEED}; {@code -Dadversarial.seed=N
 * -Dadversarial.duration=10m} runs longer, and {@code -Dadversarial.case=N} replays one case.
 */
class FrameFuzzTest {
    static final long SEED = 20_261_207L;
    static final int CASES = 160;
    private static final int GEN_SIZE = 1000;

    private final List<String> anomalies = new ArrayList<>();
    private final Map<String, Integer> kinds = new TreeMap<>();
    private int anomalyCount;

    @Example
    void everyFrameSequenceGetsItsDocumentedAnswerAndOneCleanup() throws IOException {
        RunPlan plan = RunPlan.of("FrameFuzzTest", SEED, CASES);
        try (FrameFuzzer fuzzer = new FrameFuzzer();
                Invariants invariants =
                        new Invariants(fuzzer.gateway(), fuzzer.gateway().openFiles() + 200, 200L << 20);
                WsClient bystander = fuzzer.bystander()) {
            Arbitrary<FrameCase> arbitrary = new FrameCases(FrameFuzzer.MAX_MESSAGE_BYTES).cases();
            RandomGenerator<FrameCase> generator = arbitrary.generator(GEN_SIZE);
            Random seeds = new Random(plan.seed());
            // -Dadversarial.case=N[,M...] replays those cases only
            List<Long> only = Arrays.stream(
                            System.getProperty("adversarial.case", "").split(","))
                    .map(String::trim)
                    .filter(seed -> !seed.isEmpty())
                    .map(Long::valueOf)
                    .toList();
            long start = System.nanoTime();
            int done = 0;
            while (only.isEmpty() ? plan.more(done, start) : done < only.size()) {
                long caseSeed = only.isEmpty() ? seeds.nextLong() : only.get(done);
                FrameCase frameCase = generator.next(new Random(caseSeed)).value();
                count(frameCase);
                try {
                    fuzzer.play(done, caseSeed, frameCase);
                } catch (AssertionError | RuntimeException e) {
                    anomaly(caseSeed, frameCase, e.getMessage());
                }
                done++;
                if (done % 25 == 0) {
                    bystanderServed(bystander, done);
                }
                if (!fuzzer.gateway().isAlive()) {
                    anomaly(caseSeed, frameCase, "the node exited");
                    break;
                }
            }
            bystanderServed(bystander, done);
            invariants.check();
            List<String> broken = new ArrayList<>(fuzzer.connectionsWithoutExactlyOneCleanup());
            broken.addAll(invariants.breaches());
            String log = fuzzer.gateway().output();
            if (log.contains("OutOfMemoryError")) {
                broken.add("the node ran out of memory");
            }
            // close reasons carry any character a client chooses; the log must escape them
            long raw = log.chars()
                    .filter(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')
                    .count();
            if (raw > 0) {
                broken.add(raw + " raw control characters from clients in the gateway's log");
            }
            report(done, invariants, start);
            assertThat(broken)
                    .as("cleanup counts, process invariants and the log")
                    .isEmpty();
            assertThat(anomalies)
                    .as("cases whose answer is not the documented one")
                    .isEmpty();
        }
    }

    private void bystanderServed(WsClient bystander, int done) {
        String text = "still served after " + done + " cases";
        bystander.sendText(text);
        assertThat(bystander.next(FrameFuzzer.READ_TIMEOUT).text()).isEqualTo(text);
    }

    private void count(FrameCase frameCase) {
        for (Step step : frameCase.steps()) {
            kinds.merge(step.kind(), 1, Integer::sum);
        }
        String ending = frameCase.ending().kind();
        kinds.merge(
                "ending: "
                        + ending.replaceAll(" \\d+", " N")
                                .replaceAll("(close|reserved bits|opcode|close code) N", "$1 N"),
                1,
                Integer::sum);
        if (frameCase.deflate()) {
            kinds.merge("connection with permessage-deflate", 1, Integer::sum);
        }
    }

    private void anomaly(long caseSeed, FrameCase frameCase, String what) {
        String line = "case " + caseSeed + " (replay: -Dadversarial.case=" + caseSeed + ") " + frameCase + ": " + what;
        System.out.println("ANOMALY " + line);
        anomalyCount++;
        if (anomalies.size() < 100) {
            anomalies.add(line);
        }
    }

    private void report(int done, Invariants invariants, long start) {
        System.out.printf(
                "FrameFuzzTest: %d cases in %d s, %d anomalies; %d checks of the answer and the cleanup"
                        + " (2 a case, and one cleanup count a connection), %d process checks (%s)%n",
                done,
                Duration.ofNanos(System.nanoTime() - start).toSeconds(),
                anomalyCount,
                done * 3,
                invariants.checks(),
                invariants.peaks());
        kinds.forEach((kind, count) -> System.out.printf("  %6d  %s%n", count, kind));
    }
}
