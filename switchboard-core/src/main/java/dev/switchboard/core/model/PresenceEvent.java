package dev.switchboard.core.model;

/**
 * A user's first connection joined a group, or their last one left it; sent to the route's
 * {@code presence} function once per such change.
 *
 * @param requestContext the route and this invocation's request id
 * @param connectionId the connection whose join or leave made the change
 * @param change join or leave
 * @param group the group
 * @param userId the user
 */
public record PresenceEvent(
        RequestContext requestContext, String connectionId, Change change, String group, String userId)
        implements FunctionEvent {

    /** What changed: the user is now in the group, or no longer. */
    public enum Change {
        JOIN("join"),
        LEAVE("leave");

        private final String wireName;

        Change(String wireName) {
            this.wireName = wireName;
        }

        /** The name on the wire: {@code join} or {@code leave}. */
        public String wireName() {
            return wireName;
        }
    }
}
