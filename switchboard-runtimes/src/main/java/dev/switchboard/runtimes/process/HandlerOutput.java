package dev.switchboard.runtimes.process;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What handlers print, in the gateway log under this class's logger, one line per printed line,
 * tagged with the function and the connection of the invocation that printed it.
 */
final class HandlerOutput {
    private static final Logger log = LoggerFactory.getLogger(HandlerOutput.class);

    private HandlerOutput() {}

    /**
     * Logs one line.
     *
     * @param connectionId the connection whose invocation was running, null between invocations
     * @param stream where it was written: {@code stdout} or {@code stderr} for the handler's
     *     print/console calls, {@code fd} for bytes written to the process's descriptors directly
     */
    static void line(String function, @Nullable String connectionId, String stream, String text) {
        log.info("{} conn={} {}: {}", function, connectionId == null ? "-" : connectionId, stream, text);
    }
}
