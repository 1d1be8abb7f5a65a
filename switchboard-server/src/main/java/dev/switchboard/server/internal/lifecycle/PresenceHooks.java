package dev.switchboard.server.internal.lifecycle;

import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;

/**
 * What presence hears from a connection's life: each group it joins or leaves while open, and its
 * end, which the connection's one cleanup reports (on its node, or on the survivor that takes a
 * lost node over).
 */
public interface PresenceHooks {
    /** No presence: nothing is counted. */
    PresenceHooks NONE = new PresenceHooks() {
        @Override
        public void joined(LiveConnection connection, String group) {}

        @Override
        public void left(LiveConnection connection, String group) {}

        @Override
        public CompletableFuture<Void> ended(Route route, String connectionId, EventLoop loop) {
            return CompletableFuture.completedFuture(null);
        }
    };

    /** {@code connection} joined {@code group}. */
    void joined(LiveConnection connection, String group);

    /** {@code connection} left {@code group} while staying open. */
    void left(LiveConnection connection, String group);

    /**
     * Connection {@code connectionId} of {@code route} ended: it leaves every group it was counted
     * in. Completes once the presence calls this causes are delivered or given up.
     */
    CompletableFuture<Void> ended(Route route, String connectionId, EventLoop loop);
}
