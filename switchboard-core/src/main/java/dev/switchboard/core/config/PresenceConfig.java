package dev.switchboard.core.config;

import dev.switchboard.core.function.FunctionTarget;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Presence on a route ({@code routes[].presence}): which of its connections' groups count who is
 * in them, whether the groups' members hear of a user's first join and last leave, and the
 * function that hears of them too. A connection without a user ({@code userId}) is not counted.
 *
 * @param groups the group patterns presence is on for: a name, or a name with {@code *}s that
 *     each match any run of characters ({@code room-*}); {@code *} alone is every group
 * @param events whether the group's members receive a presence frame on each join and leave
 * @param function the function called on each join and leave, or null for none
 * @param timeout how long one call of {@code function} may take
 * @throws ConfigException keyed relative to the route when a pattern is empty or the timeout is
 *     not positive
 */
public record PresenceConfig(
        List<String> groups, boolean events, @Nullable FunctionTarget function, Duration timeout) {
    public static final List<String> DEFAULT_GROUPS = List.of("*");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public PresenceConfig {
        groups = List.copyOf(groups);
        if (groups.isEmpty()) {
            throw new ConfigException("presence.groups: empty (expected: group names or patterns such as room-*)");
        }
        for (String pattern : groups) {
            if (pattern.isEmpty()) {
                throw new ConfigException("presence.groups: an empty pattern (expected: a name or a pattern)");
            }
        }
        ConfigRules.positive("presence.timeout", timeout);
    }

    /** True when presence is on for {@code group}. */
    public boolean covers(String group) {
        for (String pattern : groups) {
            if (matches(pattern, group)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String pattern, String name) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(name);
        }
        if (!name.startsWith(pattern.substring(0, star))) {
            return false;
        }
        String rest = pattern.substring(star + 1);
        for (int from = star; from <= name.length(); from++) {
            if (matches(rest, name.substring(from))) {
                return true;
            }
        }
        return false;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link PresenceConfig}; every setter has the YAML key of the same name. */
    public static final class Builder {
        private List<String> groups = DEFAULT_GROUPS;
        private boolean events = true;
        private @Nullable FunctionTarget function;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {}

        /** The group patterns presence is on for (default every group, {@code *}). */
        public Builder groups(List<String> value) {
            this.groups = value;
            return this;
        }

        /** Whether members receive presence frames (default true). */
        public Builder events(boolean value) {
            this.events = value;
            return this;
        }

        /** The presence function (default none). */
        public Builder function(@Nullable FunctionTarget value) {
            this.function = value;
            return this;
        }

        /** How long one presence call may take (default 10 s). */
        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /**
         * Builds the config.
         *
         * @throws ConfigException keyed relative to the route when a rule is broken
         */
        public PresenceConfig build() {
            return new PresenceConfig(groups, events, function, timeout);
        }
    }
}
