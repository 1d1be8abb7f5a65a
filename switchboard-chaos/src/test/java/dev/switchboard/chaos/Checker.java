package dev.switchboard.chaos;

import dev.switchboard.chaos.ChaosClient.Frame;
import dev.switchboard.chaos.History.Cleanup;
import dev.switchboard.chaos.History.FaultWindow;
import dev.switchboard.chaos.History.Membership;
import dev.switchboard.chaos.History.Push;
import dev.switchboard.chaos.History.Registration;
import dev.switchboard.chaos.History.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The promises of docs/cluster.md, docs/events-and-push.md and docs/reliable-sessions.md, checked
 * over a run's history once every client has been closed and every cleanup has had time to come:
 * <ul>
 *   <li>a push answered 200 (or 202) reached every target it counted: no target that was open
 *       from before the push until the end of the run, and that was not cut off from the cluster
 *       (a node-lost cleanup while it was open), misses it; {@code delivered} is never more than
 *       the frames that arrived, and never more than they plus the targets that ended meanwhile;
 *   <li>no frame arrives twice, and one worker's frames (it pushes one request after the other)
 *       arrive at each client in the order it pushed them; reliable sessions see no gap;
 *   <li>every accepted connection has exactly one cleanup (two only in the documented cut-off
 *       case); a node-lost cleanup of a connection that was still open happens only when its node
 *       was cut off (its Redis link broken, or the process stopped);
 *   <li>Redis holds no group member and no connection record of a connection that was cleaned up;
 *   <li>each node's heap after a full collection and its open files are back near their baseline.
 * </ul>
 * A 503 with {@code unreachableNodes}, a 410 for a closed connection and a 503 while a session
 * moves are honest answers, not anomalies.
 */
final class Checker {
    /** Frames written to a socket the client reset this shortly before a push may never arrive. */
    private static final long CLIENT_END_SLACK = Duration.ofSeconds(2).toNanos();
    /** The drain thread notices a socket that the node closed this late at most. */
    private static final long OBSERVED_END_SLACK = Duration.ofMillis(500).toNanos();
    /** After a cut-off fault ends, its node-lost cleanups may still arrive this long. */
    private static final long CUT_OFF_SLACK =
            ChaosCluster.TTL.toNanos() + Duration.ofSeconds(5).toNanos();

    /** A session that resumed this shortly before a push may still be settling on its new node. */
    private static final long MOVE_SLACK = Duration.ofSeconds(1).toNanos();

    /** Heap after a full collection may end this much above its baseline (caches, loaded code paths). */
    static final long HEAP_SLACK_KIB = 16 * 1024;
    /**
     * Open files may end this much above their baseline: the keep-alive pools to the function
     * server grow with the run's peak concurrency. A descriptor leaked per connection would show
     * as hundreds (a run opens hundreds of connections).
     */
    static final long FILES_SLACK = 64;

    record Anomaly(String rule, String detail) {
        @Override
        public String toString() {
            return rule + ": " + detail;
        }
    }

    private final History history;
    private final Set<String> openAtEnd;
    private final List<Anomaly> anomalies = new ArrayList<>();
    private final Map<String, ChaosClient> clients = new HashMap<>();
    private final Map<Long, Set<String>> receivers = new HashMap<>();
    private final Map<Long, Push> pushes = new HashMap<>();
    private final Map<String, Map<String, Cleanup>> cleanups = new HashMap<>();
    private final Map<String, List<Membership>> memberships = new HashMap<>();
    /** The clients open at the end: the only ones a push can be expected to reach. */
    private final List<ChaosClient> openClients = new ArrayList<>();
    /** The clients that got a node-lost cleanup while open (their node was cut off). */
    private final List<ChaosClient> cutOffClients = new ArrayList<>();

    private final Set<String> cutOffIds = new HashSet<>();
    /** When each client that ended did so, sorted: how many ended after a time, by binary search. */
    private final long[] endings;

    private int cutOffCleanups;
    private int repeatedAfterKill;
    private int sessionDuplicates;

    /**
     * A cleanup delivered this shortly before its node was killed may be delivered again by the
     * next start: its removal from the node's journal was not committed yet (RELIABILITY.md, "A
     * cleanup can be delivered twice"). On a loaded machine a commit can take seconds.
     */
    private static final long JOURNAL_LAG_SLACK = Duration.ofSeconds(5).toNanos();

    Checker(History history, Set<String> openAtEnd) {
        this.history = history;
        this.openAtEnd = openAtEnd;
        for (ChaosClient client : history.clients) {
            clients.put(client.connId, client);
        }
        for (Push push : history.pushes) {
            pushes.put(push.id(), push);
        }
        for (Cleanup cleanup : history.cleanups) {
            cleanups.computeIfAbsent(cleanup.connId(), id -> new LinkedHashMap<>())
                    .putIfAbsent(cleanup.requestId(), cleanup);
        }
        for (Membership membership : history.memberships) {
            memberships
                    .computeIfAbsent(membership.connId(), id -> new ArrayList<>())
                    .add(membership);
        }
        List<Long> ended = new ArrayList<>();
        for (ChaosClient client : history.clients) {
            if (openAtEnd.contains(client.connId)) {
                openClients.add(client);
            }
            if (client.endedAt() != Long.MAX_VALUE) {
                ended.add(client.endedAt());
            }
            if (cutOff(client)) {
                cutOffClients.add(client);
                cutOffIds.add(client.connId);
            }
        }
        endings = ended.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    int cutOffCleanups() {
        return cutOffCleanups;
    }

    /**
     * Group and {@code all} pushes that reached a reliable session twice while it moved between
     * nodes: a known defect, documented in docs/reliable-sessions.md ("Windows and failures") and
     * counted apart so that it stays visible.
     */
    int sessionDuplicates() {
        return sessionDuplicates;
    }

    private static boolean movingSessionPush(ChaosClient client, Push push) {
        return client.reliable
                && (push.target() == Target.GROUP || push.target() == Target.ALL)
                && client.movedDuring(push.start() - MOVE_SLACK, push.end() + MOVE_SLACK);
    }

    /** Second cleanups after a kill that came before the journal committed the first (documented). */
    int repeatedAfterKill() {
        return repeatedAfterKill;
    }

    List<Anomaly> anomalies() {
        return anomalies;
    }

    /** Checks the frames, pushes and cleanups of the history. */
    Checker checkHistory() {
        for (ChaosClient client : history.clients) {
            checkFrames(client);
        }
        for (Push push : history.pushes) {
            checkPush(push);
        }
        checkCleanups();
        return this;
    }

    private void add(String rule, String detail) {
        anomalies.add(new Anomaly(rule, detail));
    }

    private void checkFrames(ChaosClient client) {
        Set<Long> seen = new HashSet<>();
        Map<Integer, Long> lastByWorker = new HashMap<>();
        for (Frame frame : client.frames()) {
            receivers.computeIfAbsent(frame.pushId(), id -> new HashSet<>()).add(client.connId);
            if (!seen.add(frame.pushId())) {
                Push twice = pushes.get(frame.pushId());
                if (twice != null && movingSessionPush(client, twice)) {
                    sessionDuplicates++;
                    continue;
                }
                add(
                        "duplicate",
                        "push #" + frame.pushId() + " (" + (twice == null ? "?" : describe(twice))
                                + ") arrived twice at " + client.connId
                                + (client.reliable ? " (a session, " + client.resumes() + " resumes)" : ""));
            }
            Push push = pushes.get(frame.pushId());
            if (push == null || !push.isOk()) {
                continue; // an unanswered push may land at any time: it promised nothing
            }
            Long last = lastByWorker.get(frame.worker());
            if (last != null && frame.n() < last) {
                add(
                        "order",
                        "worker " + frame.worker() + "'s push #" + frame.pushId() + " (its " + frame.n()
                                + ") arrived at " + client.connId + " after its " + last);
            }
            lastByWorker.put(frame.worker(), Math.max(frame.n(), last == null ? 0 : last));
        }
        if (client.gaps() > 0) {
            add("session gap", client.connId + " received " + client.gaps() + " sequence gaps");
        }
    }

    /** Open from before {@code start} to the end of the run, and never cut off from the cluster. */
    private boolean steady(String connId, long start, long end) {
        ChaosClient client = clients.get(connId);
        return client != null
                && client.openedAt < start
                && openAtEnd.contains(connId)
                && !cutOffIds.contains(connId)
                && !declaredLost(client, start, end)
                && !(client.reliable && client.movedDuring(start - MOVE_SLACK, end));
    }

    /**
     * True when a survivor declared the client's node lost around {@code start}..{@code end}: the
     * node was cut off (a pause, a link fault) long enough, and until it registers again it is no
     * member, so pushes skip it and answer 410 for its connections (docs/cluster.md, "Who is a
     * member"). Its connections get a node-lost cleanup only when Redis still listed them.
     */
    private boolean declaredLost(ChaosClient client, long start, long end) {
        for (History.Takeover takeover : history.takeovers) {
            boolean itsNode = takeover.lane() == client.node() || takeover.lane() == nodeOf(client.connId);
            if (itsNode
                    && takeover.at() - ChaosCluster.TTL.toNanos() <= end
                    && start <= takeover.at() + CUT_OFF_SLACK) {
                return true;
            }
        }
        return false;
    }

    private boolean cutOff(ChaosClient client) {
        for (Cleanup cleanup : cleanups.getOrDefault(client.connId, Map.of()).values()) {
            if ("node-lost".equals(cleanup.closedBy()) && whileOpen(client, cleanup)) {
                return true;
            }
        }
        return false;
    }

    private void checkPush(Push push) {
        Set<String> arrived = receivers.getOrDefault(push.id(), Set.of());
        String what =
                "push #" + push.id() + " (" + describe(push) + " via " + push.node() + ", " + at(push.start()) + ")";
        if (push.status() == 500) {
            add("internal error", what + " answered 500");
        }
        if (push.status() == 410
                && push.target() == Target.SINGLE
                && steady(push.connIds().get(0), push.start(), push.end())) {
            add("false gone", what + " answered 410 for a connection that was open throughout");
        }
        if (!push.isOk()) {
            return;
        }
        if (push.target() != Target.SINGLE && arrived.size() > push.delivered()) {
            add(
                    "count",
                    what + " answered delivered=" + push.delivered() + " but " + arrived.size() + " clients got it");
        }
        int allowance = endedSince(push.start() - CLIENT_END_SLACK);
        for (ChaosClient client : cutOffClients) {
            if (client.endedAt() == Long.MAX_VALUE || client.endedAt() < push.start() - CLIENT_END_SLACK) {
                allowance++;
            }
        }
        if (push.delivered() - arrived.size() > allowance) {
            add(
                    "count",
                    what + " answered delivered=" + push.delivered() + " but only " + arrived.size()
                            + " clients got it, and only " + allowance + " could have lost it");
        }
        for (String target : expectedTargets(push)) {
            if (arrived.contains(target)) {
                continue;
            }
            ChaosClient client = clients.get(target);
            String where = "n" + (client.node() + 1);
            if (push.failures().contains(target)) {
                add("false gone", what + " listed " + target + " (on " + where + ", open throughout) as failed");
            } else {
                add(
                        "silent loss",
                        what + " answered " + push.status() + " delivered=" + push.delivered() + " but " + target
                                + " (on " + where + ", open throughout) never got it");
            }
        }
    }

    private static final java.time.format.DateTimeFormatter TIME_OF_DAY =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC);

    /** {@code nanos} as the wall-clock time of day (UTC) the nodes' logs use. */
    private String at(long nanos) {
        long millis = history.originMillis + (nanos - history.originNanos) / 1_000_000;
        return TIME_OF_DAY.format(java.time.Instant.ofEpochMilli(millis));
    }

    /** How many clients ended at or after {@code time}. */
    private int endedSince(long time) {
        int low = 0;
        int high = endings.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (endings[middle] < time) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return endings.length - low;
    }

    private static String describe(Push push) {
        return switch (push.target()) {
            case SINGLE -> "to " + push.connIds().get(0);
            case LIST -> "to " + push.connIds().size() + " ids";
            case GROUP -> "to group " + push.group();
            case ALL -> "to all";
        };
    }

    /** The targets that must have received a push answered 200/202. */
    private Set<String> expectedTargets(Push push) {
        Set<String> expected = new HashSet<>();
        switch (push.target()) {
            case SINGLE, LIST -> {
                for (String id : push.connIds()) {
                    if (steady(id, push.start(), push.end())) {
                        expected.add(id);
                    }
                }
            }
            case GROUP -> {
                for (ChaosClient client : openClients) {
                    if (!client.reliable
                            && steady(client.connId, push.start(), push.end())
                            && member(client.connId, push)) {
                        expected.add(client.connId);
                    }
                }
            }
            case ALL -> {
                // sessions may be moving between nodes, when a group or all push may miss them (documented)
                for (ChaosClient client : openClients) {
                    if (!client.reliable && steady(client.connId, push.start(), push.end())) {
                        expected.add(client.connId);
                    }
                }
            }
        }
        return expected;
    }

    /** A join answered before the push began, and no leave that could overlap it. */
    private boolean member(String connId, Push push) {
        List<Membership> events = memberships.getOrDefault(connId, List.of());
        for (Membership join : events) {
            if (!join.join() || !join.group().equals(push.group()) || join.answered() >= push.start()) {
                continue;
            }
            boolean left = false;
            for (Membership leave : events) {
                if (!leave.join()
                        && leave.group().equals(push.group())
                        && leave.sent() < push.end()
                        && leave.answered() > join.sent()) {
                    left = true;
                }
            }
            if (!left) {
                return true;
            }
        }
        return false;
    }

    private void checkCleanups() {
        Set<String> registered = new HashSet<>();
        for (Registration registration : history.registrations) {
            registered.add(registration.connId());
            Map<String, Cleanup> mine = cleanups.getOrDefault(registration.connId(), Map.of());
            ChaosClient client = clients.get(registration.connId());
            if (client == null) {
                if (mine.size() > 1) {
                    add(
                            "cleanups",
                            registration.connId() + " (handshake not completed) got " + mine.size() + " cleanups "
                                    + mine.values());
                }
                continue;
            }
            List<Cleanup> whileOpen = new ArrayList<>();
            for (Cleanup cleanup : mine.values()) {
                if (whileOpen(client, cleanup)) {
                    whileOpen.add(cleanup);
                }
            }
            for (Cleanup cleanup : whileOpen) {
                if (!"node-lost".equals(cleanup.closedBy())) {
                    add(
                            "cleanup while open",
                            registration.connId() + " got a " + cleanup.closedBy()
                                    + " cleanup while its client was open");
                } else if (!cutOffFault(client, cleanup.at())) {
                    add(
                            "cleanup while open",
                            registration.connId() + " got a node-lost cleanup while its client was open"
                                    + " and its node was not cut off from Redis");
                } else {
                    cutOffCleanups++;
                }
            }
            int allowed = 1 + (whileOpen.isEmpty() ? 0 : 1);
            if (mine.size() == allowed + 1 && repeatedAfterKill(registration.connId(), mine.values())) {
                allowed++;
                repeatedAfterKill++;
            }
            if (mine.isEmpty()) {
                add(
                        "cleanups",
                        registration.connId() + " (" + (client.reliable ? "session" : "connection") + " opened on n"
                                + (nodeOf(registration.connId()) + 1) + ") never got a cleanup");
            } else if (mine.size() > allowed) {
                add("cleanups", registration.connId() + " got " + mine.size() + " cleanups: " + mine.values());
            }
        }
        for (String connId : cleanups.keySet()) {
            if (!registered.contains(connId)) {
                add("cleanups", "cleanup of " + connId + ", which no registration accepted");
            }
        }
    }

    /**
     * The last of {@code all} is a node-lost cleanup that followed an earlier one by the restart
     * of the connection's node, killed within {@link #JOURNAL_LAG_SLACK} after that earlier one.
     */
    private boolean repeatedAfterKill(String connId, Iterable<Cleanup> all) {
        List<Cleanup> list = new ArrayList<>();
        all.forEach(list::add);
        Cleanup last = list.get(list.size() - 1);
        Cleanup before = list.get(list.size() - 2);
        if (!"node-lost".equals(last.closedBy())) {
            return false;
        }
        for (FaultWindow fault : history.faults) {
            if (fault.kind() == FaultSchedule.Kind.NODE_KILL
                    && fault.lane() == nodeOf(connId)
                    && before.at() <= fault.start()
                    && fault.start() <= before.at() + JOURNAL_LAG_SLACK
                    && fault.start() <= last.at()) {
                return true;
            }
        }
        return false;
    }

    private static boolean whileOpen(ChaosClient client, Cleanup cleanup) {
        long end = client.endedAt();
        return end == Long.MAX_VALUE || cleanup.at() < end - (client.closedByUs() ? 0 : OBSERVED_END_SLACK);
    }

    private boolean cutOffFault(ChaosClient client, long at) {
        for (FaultWindow fault : history.faults) {
            boolean itsNode = fault.lane() == client.node() || fault.lane() == nodeOf(client.connId);
            if (itsNode && fault.kind().cutsOffNode() && fault.start() <= at && at <= fault.end() + CUT_OFF_SLACK) {
                return true;
            }
        }
        return false;
    }

    static int nodeOf(String connId) {
        return Integer.parseInt(connId.substring(1, connId.indexOf('.'))) - 1;
    }

    /** Redis holds no group member and no record of a connection that was cleaned up. */
    Checker checkRedis(ChaosRedis redis) {
        for (String key : redis.keys("sb:group:*")) {
            for (String member : redis.members(key)) {
                if (cleanups.containsKey(member)) {
                    add("left in Redis", member + " is still in " + key + " after its cleanup");
                }
            }
        }
        for (String key : redis.keys("sb:conn:*")) {
            String connId = key.substring("sb:conn:".length());
            if (cleanups.containsKey(connId)) {
                add("left in Redis", "the record " + key + " outlived its cleanup");
            }
        }
        return this;
    }

    /** A node's heap after a full collection and its open files, at the baseline and at the end. */
    record Resources(String node, long heapKiB, long openFiles) {}

    Checker checkResources(List<Resources> baseline, List<Resources> end) {
        for (int i = 0; i < baseline.size(); i++) {
            Resources before = baseline.get(i);
            Resources after = end.get(i);
            if (after.heapKiB() > before.heapKiB() + HEAP_SLACK_KIB) {
                add(
                        "memory",
                        after.node() + " holds " + after.heapKiB() + " KiB of heap after a full GC, baseline "
                                + before.heapKiB() + " KiB");
            }
            if (after.openFiles() > before.openFiles() + FILES_SLACK) {
                add(
                        "open files",
                        after.node() + " has " + after.openFiles() + " open files, baseline " + before.openFiles());
            }
        }
        return this;
    }
}
