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
}
