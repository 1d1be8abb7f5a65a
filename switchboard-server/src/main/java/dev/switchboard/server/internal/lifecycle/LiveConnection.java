package dev.switchboard.server.internal.lifecycle;

import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.Message;

/** An open connection as the push side sees it: something to send to and to close. Thread-safe. */
public interface LiveConnection {
    /** The connection id. */
    String id();

    /** The route the connection belongs to. */
    Route route();

    /** Queues {@code message} for the client. Callable from any thread. */
    SendResult send(Message message);

    /** Closes the connection with {@code cause}; its cleanup follows. Callable from any thread. */
    void close(CloseCause cause);
}
