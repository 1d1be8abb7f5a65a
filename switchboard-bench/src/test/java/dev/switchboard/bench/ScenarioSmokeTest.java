package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every scenario for a second or so with a handful of connections, with its servers in real
 * child JVMs, so that the benchmarks cannot rot: each must finish, write its JSON and markdown,
 * and count verified operations with no mismatched answer. The figures themselves mean nothing
 * at this size.
 */
class ScenarioSmokeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Debian's nginx and libnginx-mod-nchan, which the nchan reference needs. */
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    private static final Path NCHAN_MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

    @TempDir
    Path out;

    @Test
    void connectRateOpensEveryConnectionOnEachServer() throws IOException {
        JsonNode report = run("connect-rate", "--connections", "50", "--rounds", "1");
        // raw Netty; in-process and HTTP registration; no function; HS256 and RS256 tokens
        assertThat(report.path("runs")).hasSize(6);
        for (JsonNode run : report.path("runs")) {
            assertThat(run.path("operations").asLong())
                    .as("handshakes of %s", run.path("name").asText())
                    .isEqualTo(50);
            assertThat(run.path("errors").asLong()).isZero();
        }
        assertThat(report.path("ratios")).hasSize(4);
    }

    @Test
    void stateDirOpensEveryConnectionWithAndWithoutTheJournal() throws IOException {
        JsonNode report = run("state-dir", "--connections", "50", "--rounds", "1");
        assertThat(report.path("runs")).hasSize(2);
        for (JsonNode run : report.path("runs")) {
            assertThat(run.path("operations").asLong()).isEqualTo(50);
            assertThat(run.path("errors").asLong()).isZero();
        }
        assertThat(report.at("/parameters/journal/commits").asLong()).isPositive();
        assertThat(report.at("/parameters/journal/recordsLeft").asLong()).isZero();
    }

    @Test
    void idleMeasuresHeapAndRssOfBothServers() throws IOException {
        JsonNode report = run("idle", "--connections", "40", "--steps", "2", "--settle", "0.2");
        assertThat(report.path("memory")).hasSize(4);
        for (JsonNode memory : report.path("memory")) {
            assertThat(memory.path("connections").asInt()).isPositive();
            assertThat(memory.path("heapBytes").asLong()).isPositive();
            assertThat(memory.path("rssBytes").asLong()).isPositive();
        }
        assertThat(report.path("ratios")).hasSize(1);
    }

    @Test
    void echoInprocessComparesGatewayWithRawNetty() throws IOException {
        JsonNode report = run("echo-inprocess", "--connections", "10");
        assertVerifiedTraffic(report, 2);
    }

    @Test
    void echoHttpComparesGatewayWithTheRawBridgeAndDirectCallsAtMaxAndHalfRate() throws IOException {
        JsonNode report = run("echo-http", "--connections", "10");
        assertVerifiedTraffic(report, 5); // direct, bridge and gateway at max; direct and gateway at half
        assertThat(report.path("ratios")).hasSize(3);
        for (JsonNode run : report.path("runs")) {
            if (!run.path("server").asText().equals("stub-direct")) {
                assertThat(run.path("serverCpuMicrosPerOp").asDouble())
                        .as("server CPU per message of %s", run.path("name").asText())
                        .isPositive();
            }
        }
    }

    @Test
    void echoPushSendsEveryMessageBackThroughThePushApi() throws IOException {
        // two HTTP hops per echo: the first ones, on cold JVMs, need a longer warm-up
        JsonNode report = runWithWarmup("echo-push", "2", "--connections", "10");
        assertVerifiedTraffic(report, 1);
    }

    @Test
    void fanoutDeliversEveryPushToEveryMember() throws IOException {
        JsonNode report = run("fanout", "--members", "50");
        assertVerifiedTraffic(report, 2); // the raw Netty broadcast, then the gateway
    }

    @Test
    void fanoutWithoutNginxSaysTheNchanReferenceIsSkippedAndMeasuresTheGateway() throws IOException {
        JsonNode report = run(
                "fanout",
                "--members",
                "20",
                "--reference",
                "nchan",
                "--nginx",
                out.resolve("no-nginx").toString());
        assertVerifiedTraffic(report, 1);
        assertThat(report.path("runs").get(0).path("server").asText()).isEqualTo("gateway");
        assertThat(report.path("notes").toString()).contains("The nchan reference is skipped: ");
    }

    @Test
    void fanoutAgainstNchanDeliversEveryFrameToEverySubscriberOfBoth() throws IOException {
        assumeTrue(
                Files.isReadable(NCHAN_MODULE) && Files.isExecutable(NGINX),
                "nginx with the nchan module is not installed; the reference is not run");
        JsonNode report = run("fanout", "--members", "20", "--reference", "nchan", "--alternations", "1");
        assertVerifiedTraffic(report, 2); // nchan, then the gateway
        assertThat(report.path("runs").get(0).path("server").asText()).isEqualTo("nchan");
        for (JsonNode run : report.path("runs")) {
            assertThat(run.path("serverCpuMicrosPerOp").asDouble()).isPositive();
            assertThat(run.path("serverMemoryBytes").asLong()).isPositive();
        }
        assertThat(report.path("ratios")).hasSize(4); // frames/s, CPU and p99 against nchan, the absolute target
    }

    @Test
    void clusterPushMeasuresLocalAndForwardedPushes() throws IOException {
        JsonNode report = run("cluster-push", "--connections", "5", "--concurrency", "2");
        assertThat(report.path("runs")).hasSize(2);
        for (JsonNode run : report.path("runs")) {
            assertThat(run.path("operations").asLong()).isPositive();
            assertThat(run.path("errors").asLong()).isZero();
        }
    }

    private JsonNode run(String scenario, String... options) throws IOException {
        return runWithWarmup(scenario, "0.3", options);
    }

    private JsonNode runWithWarmup(String scenario, String warmupSeconds, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                scenario,
                "--payloads",
                "64",
                "--warmup",
                warmupSeconds,
                "--duration",
                "1",
                "--sources",
                "4",
                "--server-jvm-opts",
                "-Xmx256m -XX:TieredStopAtLevel=1",
                "--out",
                out.toString()));
        args.addAll(List.of(options));
        int status = BenchMain.execute(args.toArray(String[]::new));
        assertThat(status).as("exit status of %s", scenario).isZero();
        assertThat(out.resolve(scenario + ".md")).exists();
        return JSON.readTree(Files.readString(out.resolve(scenario + ".json")));
    }

    private static void assertVerifiedTraffic(JsonNode report, int runs) {
        assertThat(report.path("runs")).hasSize(runs);
        for (JsonNode run : report.path("runs")) {
            assertThat(run.path("operations").asLong())
                    .as("verified operations of %s", run.path("name").asText())
                    .isPositive();
            assertThat(run.path("mismatched").asLong()).isZero();
            assertThat(run.path("errors").asLong()).isZero();
        }
    }
}
