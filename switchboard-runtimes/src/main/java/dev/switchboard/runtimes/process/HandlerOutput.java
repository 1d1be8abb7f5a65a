package dev.switchboard.runtimes.process;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What handlers print, in the gateway log under this class's logger, one line per printed line,
 * tagged with the function and the connection of the invocation that printed it.
 */
final class HandlerOutput {
    private static final Logger log = LoggerFactory.getLogger(HandlerOutput.class);

    /** The key of the trace id on log lines about an invocation, as on the gateway's own lines. */
    static final String TRACE_ID = "trace_id";

    private HandlerOutput() {}

    /**
     * Runs {@code logging} with the trace id of {@code traceparent} (an invocation's, null while
     * tracing is off or between invocations) as the {@code trace_id} of its log lines.
     */
    static void traced(@Nullable String traceparent, Runnable logging) {
        String[] parts = traceparent == null ? new String[0] : traceparent.split("-");
        if (parts.length < 2) {
            logging.run();
            return;
        }
        MDC.put(TRACE_ID, parts[1]);
        try {
            logging.run();
        } finally {
            MDC.remove(TRACE_ID);
        }
    }

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
