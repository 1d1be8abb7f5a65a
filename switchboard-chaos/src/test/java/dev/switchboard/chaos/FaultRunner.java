package dev.switchboard.chaos;

import dev.switchboard.chaos.FaultSchedule.Fault;
import dev.switchboard.testkit.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link FaultSchedule}: one thread per lane, each fault not before its time and after the
 * previous one on its lane has ended (a killed node is ready again, a stopped one continued,
 * Redis answers). Every fault is recorded in the history with when it began and ended.
 */
final class FaultRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultRunner.class);

    private final ChaosCluster cluster;
    private final History history;
    private final List<Thread> lanes = new ArrayList<>();
    private volatile boolean running = true;

    FaultRunner(ChaosCluster cluster, History history) {
        this.cluster = cluster;
        this.history = history;
    }

    void start(FaultSchedule schedule) {
        long origin = System.nanoTime();
        for (int lane = 0; lane <= FaultSchedule.REDIS_LANE; lane++) {
            int mine = lane;
            List<Fault> faults =
                    schedule.faults().stream().filter(f -> f.lane() == mine).toList();
            Thread thread = new Thread(() -> runLane(origin, faults), "chaos-faults-" + lane);
            thread.setDaemon(true);
            thread.start();
            lanes.add(thread);
        }
    }

    private void runLane(long origin, List<Fault> faults) {
        for (Fault fault : faults) {
            if (!running) {
                return;
            }
            Pause.sleep(Duration.ofNanos(origin + fault.at().toNanos() - System.nanoTime()));
            if (!running) {
                return; // the run ended while this lane waited: a fault now would fall outside it
            }
            long start = System.nanoTime();
            log.info("fault {}", fault);
            inject(fault);
            history.faults.add(new History.FaultWindow(fault.lane(), fault.kind(), start, System.nanoTime()));
        }
    }

    private void inject(Fault fault) {
        switch (fault.kind()) {
            case LINK_DELAY -> {
                FaultProxy link = cluster.links.get(fault.lane());
                link.delay(Duration.ofMillis(fault.amount()));
                Pause.sleep(fault.length());
                link.heal();
            }
            case LINK_SLOW -> {
                FaultProxy link = cluster.links.get(fault.lane());
                link.slow(fault.amount());
                Pause.sleep(fault.length());
                link.heal();
            }
            case LINK_BLACKHOLE -> {
                FaultProxy link = cluster.links.get(fault.lane());
                link.blackhole();
                Pause.sleep(fault.length());
                link.heal();
            }
            case LINK_RESET -> cluster.links.get(fault.lane()).reset();
            case NODE_KILL -> {
                NodeProcess node = cluster.node(fault.lane());
                node.kill();
                Pause.sleep(fault.length());
                node.start();
                if (!node.awaitReady(ChaosCluster.START_TIMEOUT)) {
                    log.error("{} not ready {} after its restart", node.id(), ChaosCluster.START_TIMEOUT);
                }
            }
            case NODE_PAUSE -> {
                NodeProcess node = cluster.node(fault.lane());
                node.stop();
                Pause.sleep(fault.length());
                node.resume();
            }
            case REDIS_RESTART_EMPTY, REDIS_RESTART_SNAPSHOT -> {
                cluster.redis.kill(fault.kind() == FaultSchedule.Kind.REDIS_RESTART_SNAPSHOT);
                Pause.sleep(fault.length());
                cluster.redis.start();
            }
        }
    }

    /** Waits for every lane to finish its schedule (or to stop, after {@link #close}). */
    void await() {
        for (Thread lane : lanes) {
            try {
                lane.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops starting faults; heals every link. */
    @Override
    public void close() {
        running = false;
        await();
        cluster.links.forEach(FaultProxy::heal);
    }
}
