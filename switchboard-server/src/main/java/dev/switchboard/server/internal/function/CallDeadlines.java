package dev.switchboard.server.internal.function;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The deadlines of one pool's calls in flight, expired by a single timer instead of a timer task
 * scheduled and cancelled per call.
 *
 * <p>Calls with the same timeout are kept in one {@link Lane}, an intrusive list in the order
 * they started: their deadlines ascend, so only each lane's first call can be the next to expire,
 * and adding or removing a call is O(1) with no allocation. A pool sees a handful of distinct
 * timeouts (one per role that calls its function), so there are few lanes.
 *
 * <p>The one timer is set for the earliest first deadline, but never sooner than {@link
 * #GRANULARITY_NANOS} after it last ran, so that a burst of calls expiring one after another
 * costs a few wake-ups rather than one each. Hence the bound: a call with a timeout of N ms ends
 * with a timeout no earlier than N ms after it started and at most {@code GRANULARITY_NANOS}
 * (1 ms) later, plus however long the event loop is busy with other work at that moment.
 * Under steady traffic, where calls answer long before their deadline, the timer fires about
 * once per timeout period. Confined to the pool's event loop.
 */
final class CallDeadlines {
    /** How close together two runs of the timer may be; the most a timeout can fire late by design. */
    static final long GRANULARITY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EventLoop loop;
    private final Consumer<PendingCall> onExpired;
    private final List<Lane> lanes = new ArrayList<>(2);
    private @Nullable ScheduledFuture<?> timer;
    private long timerAt;
    private long lastRunAt;

    CallDeadlines(EventLoop loop, Consumer<PendingCall> onExpired) {
        this.loop = loop;
        this.onExpired = onExpired;
        this.lastRunAt = System.nanoTime() - GRANULARITY_NANOS;
    }

    /** Starts the clock of {@code call}: it expires {@code timeoutNanos} from now unless removed first. */
    void add(PendingCall call, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        call.deadline = deadline;
        lane(timeoutNanos).append(call);
        if (timer == null || deadline - timerAt < 0) {
            setTimer(deadline);
        }
    }

    /** Stops the clock of {@code call} (it completed); nothing happens if it is not tracked. */
    void remove(PendingCall call) {
        Lane lane = call.lane;
        if (lane != null) {
            lane.unlink(call);
        }
    }

    private Lane lane(long timeoutNanos) {
        for (Lane lane : lanes) {
            if (lane.timeoutNanos == timeoutNanos) {
                return lane;
            }
        }
        Lane lane = new Lane(timeoutNanos);
        lanes.add(lane);
        return lane;
    }

    private void setTimer(long deadline) {
        if (timer != null) {
            timer.cancel(false);
        }
        long earliest = lastRunAt + GRANULARITY_NANOS;
        long at = deadline - earliest < 0 ? earliest : deadline;
        timerAt = at;
        timer = loop.schedule(this::expire, at - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void expire() {
        timer = null;
        long now = System.nanoTime();
        lastRunAt = now;
        PendingCall soonest = null;
        // by index: a timeout's consequences may start new calls here, even in a new lane
        for (int i = 0; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            PendingCall first;
            while ((first = lane.first) != null && first.deadline - now <= 0) {
                lane.unlink(first);
                onExpired.accept(first);
            }
            if (first != null && (soonest == null || first.deadline - soonest.deadline < 0)) {
                soonest = first;
            }
        }
        if (soonest != null && (timer == null || soonest.deadline - timerAt < 0)) {
            setTimer(soonest.deadline);
        }
    }

    /** The calls of one timeout, oldest first; linked through the calls themselves. */
    static final class Lane {
        final long timeoutNanos;

        @Nullable
        PendingCall first;

        @Nullable
        PendingCall last;

        Lane(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
        }

        void append(PendingCall call) {
            call.lane = this;
            call.previous = last;
            call.next = null;
            if (last == null) {
                first = call;
            } else {
                last.next = call;
            }
            last = call;
        }

        void unlink(PendingCall call) {
            if (call.previous == null) {
                first = call.next;
            } else {
                call.previous.next = call.next;
            }
            if (call.next == null) {
                last = call.previous;
            } else {
                call.next.previous = call.previous;
            }
            call.previous = null;
            call.next = null;
            call.lane = null;
        }
    }
}
