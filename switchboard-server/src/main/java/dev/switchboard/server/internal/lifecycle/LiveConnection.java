package dev.switchboard.server.internal.lifecycle;

import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.Message;
import dev.switchboard.server.internal.auth.TokenExpiry;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** An open connection as the push side sees it: something to send to and to close. Thread-safe. */
public interface LiveConnection {
    /** The connection id. */
    String id();

    /** The connection's user, from a verified token or the registration answer, if any. */
    @Nullable
    String userId();

    /** The route the connection belongs to. */
    Route route();

    /** True until the connection starts closing. */
    boolean isOpen();

    /**
     * Queues {@code message} for the client. When the client's outbound buffer is full the
     * message is not queued and, under {@code slow-consumer: close}, the connection closes with
     * 1013. Callable from any thread.
     */
    SendResult send(Message message);

    /**
     * Queues a frame encoded once for many connections: the connection's socket joins the
     * frame's writes, which leave when the caller {@link SharedFrame#sendAndRelease()}s it.
     * Otherwise as {@link #send(Message)}.
     */
    SendResult send(SharedFrame frame);

    /** Closes the connection with {@code cause}; its cleanup follows. Callable from any thread. */
    void close(CloseCause cause);

    /**
     * Verifies {@code token} as the connection's next token (its route's {@code auth}, the same
     * user); once verified, the connection expires at that token's {@code exp}. Fails with a
     * {@link dev.switchboard.core.SwitchboardException}: 4001 on a route without {@code auth},
     * 4012 or 4013 for a token refused.
     */
    CompletionStage<TokenExpiry> refreshToken(String token);

    /** The names of the groups it is in; a live, thread-safe set kept by {@link GroupRegistry}. */
    Set<String> groups();

    /** What the cluster keeps of it, as held by {@code node}. */
    ConnectionRecord record(String node);

    /** A snapshot for the push and admin APIs. */
    ConnectionInfo info();
}
