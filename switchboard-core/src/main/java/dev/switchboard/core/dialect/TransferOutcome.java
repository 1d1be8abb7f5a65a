package dev.switchboard.core.dialect;

import dev.switchboard.core.model.Message;
import org.jspecify.annotations.Nullable;

/** What a transfer invocation produced. */
public sealed interface TransferOutcome {

    /**
     * The function took the message.
     *
     * @param reply a message to send back to the sender, if the function asked for one
     * @param problem why a reply the function asked for could not be used, for the log
     */
    record Delivered(@Nullable Message reply, @Nullable String problem) implements TransferOutcome {}

    /** The function failed; the route's {@code on-transfer-error} policy applies. */
    record Failed(String reason) implements TransferOutcome {}
}
