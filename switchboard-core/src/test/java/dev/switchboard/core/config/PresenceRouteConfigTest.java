package dev.switchboard.core.config;

import static dev.switchboard.core.config.RouteYaml.assertRejected;
import static dev.switchboard.core.config.RouteYaml.route;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code routes[].presence}: which groups count who is in them, and its mistakes. */
class PresenceRouteConfigTest {
    @Test
    void presenceIsOffUnlessTheRouteSaysPresence() {
        assertThat(route("stage: release").presence()).isNull();
    }

    @Test
    void anEmptyBlockCountsEveryGroupWithEventsAndNoFunction() {
        PresenceConfig presence = route("presence: {}").presence();

        assertThat(presence.groups()).containsExactly("*");
        assertThat(presence.events()).isTrue();
        assertThat(presence.function()).isNull();
        assertThat(presence.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(presence.covers("anything/at:all")).isTrue();
    }

    @Test
    void patternsMatchNamesWithAnyRunOfCharactersForEachStar() {
        PresenceConfig presence = route("""
                presence:
                  groups: [room-*, lobby, "team-*-chat"]
                  events: false
                  function: http://127.0.0.1:9000/presence
                  timeout: 2s
                """).presence();

        assertThat(presence.covers("room-1")).isTrue();
        assertThat(presence.covers("room-")).isTrue();
        assertThat(presence.covers("lobby")).isTrue();
        assertThat(presence.covers("team-a/b-chat")).isTrue();
        assertThat(presence.covers("lobby-2")).isFalse();
        assertThat(presence.covers("my-room-1")).isFalse();
        assertThat(presence.covers("team-chat")).isFalse();
        assertThat(presence.events()).isFalse();
        assertThat(presence.function().spec()).isEqualTo("http://127.0.0.1:9000/presence");
        assertThat(presence.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(presence.groups()).isEqualTo(List.of("room-*", "lobby", "team-*-chat"));
    }

    @Test
    void mistakesNameTheKey() {
        assertRejected(
                "presence: {groups: []}",
                "routes[0].presence.groups: empty (expected: group names or patterns such as room-*)");
        assertRejected(
                "presence: {groups: [\"\"]}",
                "routes[0].presence.groups: an empty pattern (expected: a name or a pattern)");
        assertRejected("presence: {timeout: 0s}", "routes[0].presence.timeout: 0s (expected: at least 1ms)");
        assertRejected(
                "presence: {evnts: true}",
                "routes[0].presence.evnts: unknown key (expected one of: events," + " function, groups, timeout)");
    }
}
