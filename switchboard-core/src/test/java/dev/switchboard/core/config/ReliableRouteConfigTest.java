package dev.switchboard.core.config;

import static dev.switchboard.core.config.RouteYaml.assertRejected;
import static dev.switchboard.core.config.RouteYaml.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code resume-window} and {@code replay-buffer}: reliable sessions per route, and their mistakes. */
class ReliableRouteConfigTest {
    @Test
    void routesAreNotReliableUnlessTheySayResumeWindow() {
        assertThat(route("dialect: tencent").reliable()).isNull();
        assertThat(route("resume-window: false").reliable()).isNull();
        assertThat(route("resume-window: 0s").reliable()).isNull();
    }

    @Test
    void trueMeansThirtySecondsAndTheDefaultReplayBuffer() {
        ReliableConfig reliable = route("resume-window: true").reliable();

        assertThat(reliable).isEqualTo(ReliableConfig.defaults());
        assertThat(reliable.resumeWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(reliable.replayMaxMessages()).isEqualTo(1000);
        assertThat(reliable.replayMaxBytes()).isEqualTo(1024 * 1024);
        assertThat(reliable.replayMaxAge()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aWindowAndReplayLimits() {
        ReliableConfig reliable = route("""
                resume-window: 5m
                replay-buffer: {max-messages: 20000, max-bytes: 4MiB, max-age: 10m}
                """).reliable();

        assertThat(reliable)
                .isEqualTo(new ReliableConfig(Duration.ofMinutes(5), 20000, 4 * 1024 * 1024, Duration.ofMinutes(10)));
    }

    @Test
    void theMaxAgeDefaultsToTheWindowWhenTheWindowIsLonger() {
        assertThat(route("resume-window: 10m").reliable().replayMaxAge()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void mistakesNameTheKey() {
        assertRejected(
                "resume-window: soon", "routes[0].resume-window: 'soon' (expected: " + Units.DURATION_FORM + ")");
        assertRejected(
                "replay-buffer: {max-messages: 10}",
                "routes[0].replay-buffer: set without resume-window (expected: resume-window too, which turns"
                        + " reliable sessions on)");
        assertRejected(
                "resume-window: 1m\nreplay-buffer: {max-age: 30s}",
                "routes[0].replay-buffer.max-age: 30s (expected: at least the resume-window, 1m)");
        assertRejected(
                "resume-window: 1m\nreplay-buffer: {max-messages: 0}",
                "routes[0].replay-buffer.max-messages: 0 (expected: 1 to 10000000)");
        assertThatThrownBy(() -> route("resume-window: 1m\nreplay-buffer: {max-mesages: 10}"))
                .hasMessageStartingWith("routes[0].replay-buffer.max-mesages: unknown key");
    }
}
