package dev.switchboard.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

/**
 * The faults of one run, generated from a seed: the same seed and duration give the same list.
 * Faults run on four lanes, one per node (its Redis link and its process) and one for Redis;
 * a lane runs its faults one after another, the lanes overlap. Every kind of fault is in every
 * schedule at least once, placed first on its lane.
 */
record FaultSchedule(long seed, Duration duration, List<Fault> faults) {
    static final int REDIS_LANE = ChaosCluster.NODES;

    /** What is done to the target. */
    enum Kind {
        LINK_DELAY,
        LINK_SLOW,
        LINK_BLACKHOLE,
        LINK_RESET,
        NODE_KILL,
        NODE_PAUSE,
        REDIS_RESTART_EMPTY,
        REDIS_RESTART_SNAPSHOT;

        boolean onRedis() {
            return this == REDIS_RESTART_EMPTY || this == REDIS_RESTART_SNAPSHOT;
        }

        /** A fault during which the others may declare the node lost while it still holds clients. */
        boolean cutsOffNode() {
            return !onRedis() && this != NODE_KILL;
        }
    }

    /**
     * One fault: on {@code lane} (a node's index, or {@link #REDIS_LANE}), not before {@code at}
     * from the start, lasting {@code length}; {@code amount} is the delay in ms or the rate in
     * bytes per second.
     */
    record Fault(int lane, Duration at, Kind kind, Duration length, long amount) {
        @Override
        public String toString() {
            String where = lane == REDIS_LANE ? "redis" : "n" + (lane + 1);
            String extra = switch (kind) {
                case LINK_DELAY -> " delay " + amount + "ms";
                case LINK_SLOW -> " " + amount + " B/s";
                default -> "";
            };
            return String.format(
                    "+%6.1fs %-6s %-22s %5dms%s", at.toMillis() / 1000.0, where, kind, length.toMillis(), extra);
        }
    }

    /** A run without faults: the control against which a schedule's anomalies are read. */
    static FaultSchedule none(long seed, Duration duration) {
        return new FaultSchedule(seed, duration, List.of());
    }

    static FaultSchedule generate(long seed, Duration duration) {
        Random random = new Random(seed);
        List<List<Kind>> lanes = new ArrayList<>();
        for (int lane = 0; lane <= REDIS_LANE; lane++) {
            lanes.add(new ArrayList<>());
        }
        int next = random.nextInt(ChaosCluster.NODES);
        for (Kind kind : EnumSet.allOf(Kind.class)) {
            if (kind.onRedis()) {
                lanes.get(REDIS_LANE).add(kind);
            } else {
                lanes.get(next).add(kind);
                next = (next + 1) % ChaosCluster.NODES;
            }
        }
        List<Fault> faults = new ArrayList<>();
        long end = duration.toMillis() - 2_000;
        for (int lane = 0; lane <= REDIS_LANE; lane++) {
            long at = 500 + random.nextInt(1500);
            List<Kind> first = lanes.get(lane);
            int i = 0;
            while (i < first.size() || at < end) {
                Kind kind = i < first.size() ? first.get(i++) : pick(random, lane);
                Fault fault = fault(random, lane, at, kind);
                faults.add(fault);
                at += fault.length().toMillis() + cost(kind) + gap(random, lane);
            }
        }
        faults.sort((a, b) -> a.at().compareTo(b.at()));
        return new FaultSchedule(seed, duration, List.copyOf(faults));
    }

    /** The quiet time after a fault on its lane: Redis restarts come less often than node faults. */
    private static long gap(Random random, int lane) {
        return lane == REDIS_LANE ? 2_500 + random.nextInt(3_000) : 200 + random.nextInt(1_200);
    }

    /** What a fault costs on its lane beyond its length: a killed node's restart. */
    private static long cost(Kind kind) {
        return kind == Kind.NODE_KILL ? 4_000 : 0;
    }

    private static Kind pick(Random random, int lane) {
        if (lane == REDIS_LANE) {
            return random.nextBoolean() ? Kind.REDIS_RESTART_EMPTY : Kind.REDIS_RESTART_SNAPSHOT;
        }
        int roll = random.nextInt(100);
        if (roll < 20) {
            return Kind.LINK_DELAY;
        } else if (roll < 35) {
            return Kind.LINK_SLOW;
        } else if (roll < 55) {
            return Kind.LINK_BLACKHOLE;
        } else if (roll < 75) {
            return Kind.LINK_RESET;
        } else if (roll < 87) {
            return Kind.NODE_PAUSE;
        }
        return Kind.NODE_KILL;
    }

    private static Fault fault(Random random, int lane, long at, Kind kind) {
        long ttl = ChaosCluster.TTL.toMillis();
        return switch (kind) {
            case LINK_DELAY ->
                new Fault(lane, Duration.ofMillis(at), kind, ms(1000 + random.nextInt(2000)), 50 + random.nextInt(550));
            case LINK_SLOW ->
                new Fault(
                        lane,
                        Duration.ofMillis(at),
                        kind,
                        ms(1000 + random.nextInt(2000)),
                        2048 + random.nextInt(14 * 1024));
            // from a blip to just past heartbeat-ttl, when the others declare the node lost
            case LINK_BLACKHOLE ->
                new Fault(lane, Duration.ofMillis(at), kind, ms(300 + random.nextInt((int) ttl + 500)), 0);
            case LINK_RESET -> new Fault(lane, Duration.ofMillis(at), kind, Duration.ZERO, 0);
            case NODE_KILL -> new Fault(lane, Duration.ofMillis(at), kind, ms(300 + random.nextInt(1700)), 0);
            case NODE_PAUSE -> new Fault(lane, Duration.ofMillis(at), kind, ms(ttl + 300 + random.nextInt(1200)), 0);
            case REDIS_RESTART_EMPTY, REDIS_RESTART_SNAPSHOT ->
                new Fault(lane, Duration.ofMillis(at), kind, ms(300 + random.nextInt(1200)), 0);
        };
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** The schedule as printed at the start of a run. */
    String describe() {
        StringBuilder text = new StringBuilder("chaos seed " + seed + ", " + duration.toSeconds() + " s, "
                + faults.size() + " faults (replay: -Dchaos.seed=" + seed + " -Dchaos.duration="
                + duration.toSeconds() + "s)\n");
        for (Fault fault : faults) {
            text.append("  ").append(fault).append('\n');
        }
        return text.toString();
    }
}
