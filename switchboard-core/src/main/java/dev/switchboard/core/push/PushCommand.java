package dev.switchboard.core.push;

import dev.switchboard.core.model.Message;

/** What a backend asks the gateway to do, parsed from a push request. */
public sealed interface PushCommand {

    /** Send a message ({@code data send}). */
    record Send(PushTarget target, Message message) implements PushCommand {}

    /** Close a connection ({@code closing}) with a close code and reason. */
    record Close(String connectionId, int code, String reason) implements PushCommand {}

    /** Add a connection to a group ({@code join}). */
    record Join(String connectionId, String group) implements PushCommand {}

    /** Remove a connection from a group ({@code leave}). */
    record Leave(String connectionId, String group) implements PushCommand {}

    /** Return a connection's record ({@code info}). */
    record Info(String connectionId) implements PushCommand {}

    /**
     * Give a connection the next token of its user ({@code refresh}), verified as the first one
     * was; it then expires at that token's {@code exp}.
     */
    record Refresh(String connectionId, String token) implements PushCommand {}

    /**
     * Carry out {@code action} for every connection of user {@code userId} on every node
     * ({@code closing}, {@code join}, {@code leave}, {@code info} or {@code refresh} with {@code userId} in place
     * of {@code secConnectionID}); the answer counts the connections.
     */
    record ForUser(String userId, UserAction action) implements PushCommand {}

    /** What a {@link ForUser} command does to each of the user's connections. */
    sealed interface UserAction {
        /** Close it with a close code and reason. */
        record Close(int code, String reason) implements UserAction {}

        /** Add it to a group. */
        record Join(String group) implements UserAction {}

        /** Remove it from a group. */
        record Leave(String group) implements UserAction {}

        /** List it. */
        record Info() implements UserAction {}

        /** Give it the next token. */
        record Refresh(String token) implements UserAction {}
    }
}
