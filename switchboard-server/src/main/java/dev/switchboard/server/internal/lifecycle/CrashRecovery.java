package dev.switchboard.server.internal.lifecycle;

import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, invokes the cleanup of every connection a previous run of this node recorded and
 * never finished ({@code closedBy: node-lost}, close code 1006), and forgets each record once its
 * cleanup is delivered or given up. A record stays until then, so a crash during recovery leaves
 * the rest for the next start.
 */
public final class CrashRecovery {
    private static final Logger log = LoggerFactory.getLogger(CrashRecovery.class);

    /** The cause a recovered connection's cleanup carries, as for a node lost in a cluster. */
    public static final CloseCause NODE_LOST = new CloseCause(CloseCause.ABNORMAL, "node lost", ClosedBy.NODE_LOST);

    private CrashRecovery() {}

    /**
     * Dispatches the cleanups of {@code journal}'s leftovers on {@code loops}. A record whose route
     * no longer exists is logged and dropped. The returned future completes when every cleanup is
     * delivered or given up.
     */
    public static CompletableFuture<Void> start(
            ConnectionJournal journal, Map<String, Route> routes, CleanupDispatcher cleanup, EventLoopGroup loops) {
        List<ConnectionRecord> leftovers = journal.leftovers();
        if (leftovers.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        log.warn(
                "state-dir: {} connections were still open (or owed a cleanup) when this node last stopped;"
                        + " invoking their cleanups (closedBy node-lost)",
                leftovers.size());
        List<CompletableFuture<Void>> cleanups = new ArrayList<>();
        for (ConnectionRecord record : leftovers) {
            Route route = routes.get(record.route());
            if (route == null) {
                log.atError()
                        .addKeyValue("conn", record.id())
                        .addKeyValue("route", record.route())
                        .log(
                                "state-dir: connection {} was on route {}, which is no longer configured;"
                                        + " its record is dropped without cleanup",
                                record.id(),
                                record.route());
                journal.finished(record.id());
                continue;
            }
            cleanups.add(cleanup.dispatch(
                            route, route.requestContext(record), record.id(), record.context(), NODE_LOST, loops.next())
                    .whenComplete((ignored, error) -> journal.finished(record.id())));
        }
        int count = cleanups.size();
        return CompletableFuture.allOf(cleanups.toArray(CompletableFuture[]::new))
                .whenComplete((ignored, error) ->
                        log.info("state-dir: the {} recovered cleanups are delivered or given up", count));
    }
}
