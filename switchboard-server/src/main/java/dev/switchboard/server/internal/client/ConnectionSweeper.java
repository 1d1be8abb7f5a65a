package dev.switchboard.server.internal.client;

import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.model.CloseCause;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of an event loop: each tick it checks every connection of that loop for ping,
 * idle timeout and max lifetime, and closes sockets whose handshake or closing handshake took
 * too long. One periodic task per loop instead of timers per connection keeps idle connections
 * free of scheduled tasks. Confined to its event loop.
 */
public final class ConnectionSweeper implements Runnable {
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EventLoop loop;
    private final Ticker ticker;
    private final Set<Connection> open = new HashSet<>();
    private final Map<Channel, Long> deadlines = new HashMap<>();

    public ConnectionSweeper(EventLoop loop, Ticker ticker) {
        this.loop = loop;
        this.ticker = ticker;
    }

    /**
     * The tick for {@code limits}: a quarter of the shortest timeout, between 10 ms and 1 s, so a
     * timeout fires at most 25% late.
     */
    public static Duration tickFor(LimitsConfig limits) {
        long shortest = List.of(
                        limits.pingInterval(),
                        limits.idleTimeout(),
                        limits.maxLifetime(),
                        limits.handshakeTimeout(),
                        limits.closeTimeout())
                .stream()
                .mapToLong(Duration::toNanos)
                .min()
                .orElse(MAX_TICK_NANOS);
        return Duration.ofNanos(Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, shortest / 4)));
    }

    /** Starts ticking every {@code tick}. */
    public void start(Duration tick) {
        loop.scheduleAtFixedRate(this, tick.toNanos(), tick.toNanos(), TimeUnit.NANOSECONDS);
    }

    void track(Connection connection) {
        open.add(connection);
    }

    void untrack(Connection connection) {
        open.remove(connection);
    }

    /** Closes {@code channel} at {@code deadlineNanos} unless {@link #forget} is called first. */
    void closeAt(Channel channel, long deadlineNanos) {
        deadlines.put(channel, deadlineNanos);
    }

    void forget(Channel channel) {
        deadlines.remove(channel);
    }

    @Override
    public void run() {
        long now = ticker.nanoTime();
        List<Connection> expired = null;
        List<CloseCause> causes = null;
        for (Connection connection : open) {
            CloseCause cause = connection.checkTimers(now);
            if (cause != null) {
                if (expired == null) {
                    expired = new ArrayList<>();
                    causes = new ArrayList<>();
                }
                expired.add(connection);
                causes.add(cause);
            }
        }
        if (expired != null) {
            for (int i = 0; i < expired.size(); i++) {
                expired.get(i).closeOnLoop(causes.get(i));
            }
        }
        List<Channel> overdue = null;
        for (Iterator<Map.Entry<Channel, Long>> it = deadlines.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Channel, Long> entry = it.next();
            if (now - entry.getValue() >= 0) {
                it.remove();
                if (overdue == null) {
                    overdue = new ArrayList<>();
                }
                overdue.add(entry.getKey());
            }
        }
        if (overdue != null) {
            overdue.forEach(Channel::close);
        }
    }
}
