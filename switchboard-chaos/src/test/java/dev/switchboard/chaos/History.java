package dev.switchboard.chaos;

import dev.switchboard.chaos.FaultSchedule.Kind;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Everything a run did and saw, as the checker reads it: every push and its answer, every frame
 * every client received (kept by the clients), every function call, every join and leave, and
 * every fault. Times are {@link System#nanoTime()} values.
 */
final class History {
    /** A push and its answer; {@code status} 0 when no answer came (refused, timed out). */
    record Push(
            long id,
            int worker,
            long n,
            Target target,
            String group,
            List<String> connIds,
            String node,
            long start,
            long end,
            int status,
            int errNo,
            int delivered,
            List<String> failures,
            List<String> unreachableNodes) {
        boolean isOk() {
            return status == 200 || status == 202;
        }
    }

    enum Target {
        SINGLE,
        LIST,
        GROUP,
        ALL
    }

    record Registration(String clientKey, String connId, String requestId, long at) {}

    record Cleanup(String connId, String requestId, String closedBy, int closeCode, long at) {}

    record Transfer(String connId, String data, long at) {}

    /**
     * A join or leave: sent at {@code sent}, answered at {@code answered} ({@link Long#MAX_VALUE}
     * when no answer came); only joins answered 200 are kept. The groups of a registration are
     * joins sent and answered when the client got its 101.
     */
    record Membership(String connId, String group, boolean join, long sent, long answered) {}

    record FaultWindow(int lane, Kind kind, long start, long end) {}

    /** A survivor declared node {@code lane} lost at {@code at} (from the nodes' logs). */
    record Takeover(int lane, long at) {}

    final Queue<Push> pushes = new ConcurrentLinkedQueue<>();
    final Queue<Registration> registrations = new ConcurrentLinkedQueue<>();
    final Queue<Cleanup> cleanups = new ConcurrentLinkedQueue<>();
    final Queue<Transfer> transfers = new ConcurrentLinkedQueue<>();
    final Queue<Membership> memberships = new ConcurrentLinkedQueue<>();
    final Queue<FaultWindow> faults = new ConcurrentLinkedQueue<>();
    final Queue<Takeover> takeovers = new ConcurrentLinkedQueue<>();
    /** The same instant on both clocks: log lines' wall-clock times become nanoTime values. */
    final long originNanos = System.nanoTime();

    final long originMillis = System.currentTimeMillis();
    final Map<String, String> connIdByKey = new ConcurrentHashMap<>();
    final List<ChaosClient> clients = new CopyOnWriteArrayList<>();
    final AtomicLong operations = new AtomicLong();

    /** How many cleanups each of {@code ids} got so far (those with none are left out). */
    Map<String, Long> cleanupsOf(List<String> ids) {
        return cleanups.stream()
                .filter(c -> ids.contains(c.connId()))
                .collect(Collectors.groupingBy(Cleanup::connId, Collectors.counting()));
    }

    final AtomicLong pushIds = new AtomicLong();
}
