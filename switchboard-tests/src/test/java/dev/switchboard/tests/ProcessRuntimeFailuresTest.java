package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.OnTransferError;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.config.RuntimesConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.function.FunctionTarget.Language;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Handlers that raise, hang past their timeout or kill their own process: the route's failure
 * policy applies, the log says why, the worker is replaced, and other connections go on.
 */
class ProcessRuntimeFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final StubFunctionServer recorder = StubFunctionServer.start();
    private final LogCapture logs = LogCapture.attach();
    private TestGateway gateway;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        recorder.close();
        logs.close();
    }

    private static RouteConfig.Builder route(Language language) {
        return RouteConfig.builder("/chat")
                .register(Handlers.lifecycle(language, "register"))
                .transfer(Handlers.lifecycle(language, "transfer"))
                .cleanup(Handlers.lifecycle(language, "cleanup"));
    }

    private void start(int workers, RouteConfig.Builder route) {
        gateway = TestGateway.start(GatewayConfig.builder()
                .runtimes(RuntimesConfig.builder().workers(workers).build())
                .route(route.build()));
    }

    private WsClient connect() {
        return WsClient.open(gateway.ws("/chat?recorder=" + recorder.url("/cleanup")));
    }

    private static String ask(WsClient client, String text) {
        client.sendText(text);
        return client.next(WAIT).text();
    }

    private static String transfer(Language language) {
        return Handlers.lifecycle(language, "transfer").spec();
    }

    private static boolean alive(String pid) {
        return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void handlerThatRaisesClosesItsConnectionWith1011AndLogsTheTraceback(Language language) {
        start(1, route(language));

        try (WsClient bystander = connect();
                WsClient client = connect()) {
            String id = ask(client, "id");
            String pid = ask(client, "pid");
            client.sendText("raise");
            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1011);
            await().atMost(WAIT).until(() -> recorder.received("/cleanup").size() == 1);
            assertThat(recorder.received("/cleanup").get(0).path("closedBy").asText())
                    .isEqualTo("transfer-error");

            String error = language == Language.PYTHON
                    ? "ValueError: transfer was told to raise"
                    : "RangeError: transfer was told to raise";
            String traceback =
                    language == Language.PYTHON ? "Traceback (most recent call last)" : "at exports.transfer";
            assertThat(logs.find(transfer(language) + " conn=" + id + ": the handler raised " + error))
                    .as("log lines: %s", logs.lines())
                    .contains(traceback);
            // an exception is not a crash: the same worker goes on serving
            assertThat(ask(bystander, "pid")).isEqualTo(pid);
            assertThat(ask(bystander, "still here")).isEqualTo("still here");
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void withOnTransferErrorIgnoreARaisingHandlerLeavesTheConnectionOpen(Language language) {
        start(1, route(language).onTransferError(OnTransferError.IGNORE));

        try (WsClient client = connect()) {
            client.sendText("raise");
            client.sendText("after");
            assertThat(client.next(WAIT).text()).isEqualTo("after");
            assertThat(client.isOpen()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void handlerThatHangsIsKilledAtItsTimeoutAndReplacedWhileOthersAreServed(Language language) {
        start(2, route(language).transferTimeout(Duration.ofSeconds(2)));

        try (WsClient bystander = connect();
                WsClient client = connect()) {
            String id = ask(client, "id");
            client.sendText("hang");
            // the other worker answers while this one is stuck
            assertThat(ask(bystander, "meanwhile")).isEqualTo("meanwhile");
            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1011);

            String stuck = transfer(language) + " conn=" + id + ": no answer within 2000 ms; killing worker pid";
            await().atMost(WAIT).until(() -> logs.has(stuck));
            String killed = logs.find(stuck);
            String pid = killed.replaceAll("(?s).*killing worker pid (\\d+).*", "$1");
            await().atMost(WAIT).until(() -> !alive(pid));
            await().atMost(WAIT)
                    .until(() -> logs.has(transfer(language) + ": worker pid " + pid + " ended during an invocation"));
            // both workers serve again: two connections asking at once get two answers
            try (WsClient other = connect()) {
                other.sendText("a");
                bystander.sendText("b");
                assertThat(other.next(WAIT).text()).isEqualTo("a");
                assertThat(bystander.next(WAIT).text()).isEqualTo("b");
            }
            await().atMost(WAIT).until(() -> recorder.received("/cleanup").size() >= 2);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void handlerThatKillsItsOwnProcessFailsThatInvocationAndAFreshWorkerTakesOver(Language language) {
        start(1, route(language));

        try (WsClient bystander = connect();
                WsClient client = connect()) {
            String id = ask(client, "id");
            String pid = ask(bystander, "pid");
            client.sendText("die");
            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1011);

            await().atMost(WAIT)
                    .until(() -> logs.has(
                            transfer(language) + ": worker pid " + pid + " ended during an invocation of conn=" + id,
                            "killed by signal 9"));
            String replacement = ask(bystander, "pid");
            assertThat(replacement).isNotEqualTo(pid);
            assertThat(alive(pid)).isFalse();
            assertThat(ask(bystander, "served")).isEqualTo("served");
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void registrationThatRaisesRefusesTheConnection(Language language) {
        start(1, route(language));

        WsClient.Refused refused = WsClient.to(gateway.ws("/chat?raise=1")).refused();

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("4031");
        assertThat(logs.has(
                        Handlers.lifecycle(language, "register").spec() + " conn=", "raised", "registration blew up"))
                .as("log lines: %s", logs.lines())
                .isTrue();
        try (WsClient client = connect()) {
            assertThat(ask(client, "fine")).isEqualTo("fine");
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void aSlowColdStartDoesNotCountInTheFirstInvocationsTimeout(Language language) throws IOException {
        // loading takes 2 s (a heavy import), the registration may take 1 s: like a cloud
        // function's cold start, the worker's loading is not the handler's time
        Path slow = dir.resolve(language == Language.PYTHON ? "slow_start.py" : "slow_start.js");
        Files.writeString(
                slow,
                language == Language.PYTHON
                        ? "import time\ntime.sleep(2)\n\ndef main_handler(event, context):\n"
                                + "    return {'errNo': 0, 'errMsg': 'ok'}\n"
                        : "const end = Date.now() + 2000;\nwhile (Date.now() < end) {}\n"
                                + "exports.main_handler = async () => ({ errNo: 0, errMsg: 'ok' });\n");
        start(
                1,
                RouteConfig.builder("/chat")
                        .register(Handlers.target(language, slow, "main_handler"))
                        .registerTimeout(Duration.ofSeconds(1)));

        try (WsClient first = WsClient.open(gateway.ws("/chat"))) {
            assertThat(first.isOpen()).isTrue();
        }
        // once the worker is up, the timeout is the handler's own again
        try (WsClient second = WsClient.open(gateway.ws("/chat"))) {
            assertThat(second.isOpen()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void handlerFileThatDoesNotLoadFailsAtOnceAndTheLogSaysWhy(Language language) throws IOException {
        Path broken = dir.resolve(language == Language.PYTHON ? "broken.py" : "broken.js");
        Files.writeString(
                broken, language == Language.PYTHON ? "def main_handler(event, context)\n" : "exports.x = ;\n");
        FunctionTarget target = Handlers.target(language, broken, "main_handler");
        start(1, RouteConfig.builder("/chat").register(target));

        WsClient.Refused refused = WsClient.to(gateway.ws("/chat")).refused();

        assertThat(refused.status()).isEqualTo(403);
        assertThat(logs.find(target.spec() + ": worker could not start: SyntaxError"))
                .as("log lines: %s", logs.lines())
                .contains("broken");
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void missingHandlerFunctionIsALoadError(Language language) {
        FunctionTarget target = Handlers.lifecycle(language, "nope");
        start(1, RouteConfig.builder("/chat").register(target));

        assertThat(WsClient.to(gateway.ws("/chat")).refused().status()).isEqualTo(403);
        assertThat(logs.has(target.spec() + ": worker could not start:", "no function nope(event, context)"))
                .as("log lines: %s", logs.lines())
                .isTrue();
    }

    @Test
    void missingHandlerFileIsAConfigErrorAtStart() {
        Path missing = dir.resolve("missing.py");

        assertThatThrownBy(() -> TestGateway.start(RouteConfig.builder("/chat")
                        .transfer(Handlers.target(Language.PYTHON, missing, "main_handler"))
                        .build()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("routes[0].functions.transfer: 'python:" + missing + "': no such file " + missing);
    }

    @Test
    void interpreterThatIsNotOnThePathIsAConfigErrorAtStart() {
        assertThatThrownBy(() -> TestGateway.start(GatewayConfig.builder()
                        .runtimes(RuntimesConfig.builder().node("no-such-node").build())
                        .route(RouteConfig.builder("/chat")
                                .transfer(Handlers.lifecycle(Language.NODE, "transfer"))
                                .build())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("routes[0].functions.transfer: runtimes.node: 'no-such-node': no-such-node is not on"
                        + " the PATH (expected: the command that runs Node.js, e.g. node)");
    }
}
