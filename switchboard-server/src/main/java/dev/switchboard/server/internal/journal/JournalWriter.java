package dev.switchboard.server.internal.journal;

import dev.switchboard.core.cluster.ConnectionRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes the journal. Event loops only append to a lock-free queue; the
 * writer takes everything queued (up to {@link #MAX_BATCH} operations) and commits it as one
 * transaction, so the cost of a commit (its {@code fsync}) is shared by every connection that
 * opened or finished meanwhile, and a slow disk makes batches larger, not handshakes slower.
 *
 * <p>The queue is bounded for opens: past {@code capacity} records waiting, a new connection's
 * record is dropped (the connection is served, but would get no cleanup after a crash), counted in
 * {@code switchboard_journal_dropped_total} and logged. Removals are never dropped: there can be no
 * more of them than records, and a lost removal would invoke a cleanup twice.
 *
 * <p>Each transaction also advances the database's commit sequence, and after each commit the
 * writer rewrites the {@linkplain JournalMark mark} beside the database (one unsynced write), so
 * that the next start can tell a database that lost commits from one that did not.
 */
final class JournalWriter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);

    /** Operations committed in one transaction at most. */
    static final int MAX_BATCH = 4096;

    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private sealed interface Op permits Open, Finish {
        long queuedAtNanos();
    }

    private record Open(ConnectionRecord record, long queuedAtNanos) implements Op {}

    private record Finish(String connectionId, long queuedAtNanos) implements Op {}

    private final Connection db;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final PreparedStatement sequence;
    private final MarkFile markFile;
    private final int capacity;
    private final ConcurrentLinkedQueue<Op> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger queuedOpens = new AtomicInteger();
    private final Thread thread;
    private final Counter dropped;
    private final Timer commits;
    private final Timer lag;
    private volatile long committedRecords;
    private JournalMark mark;
    private boolean markFailed;
    private volatile boolean parked;
    private volatile boolean stopping;
    private volatile boolean failed;

    /** A writer continuing from {@code mark}, the journal's commit when it opened. */
    JournalWriter(Connection db, MarkFile markFile, JournalMark mark, int capacity, MeterRegistry meters)
            throws SQLException {
        this.db = db;
        // a reliable session that comes back to this node is opened again under its id: kept once
        this.insert = db.prepareStatement("INSERT OR IGNORE INTO connections (id, record) VALUES (?, ?)");
        this.delete = db.prepareStatement("DELETE FROM connections WHERE id = ?");
        this.sequence = db.prepareStatement("UPDATE journal_mark SET commit_seq = ? WHERE id = 1");
        this.markFile = markFile;
        this.mark = mark;
        this.capacity = capacity;
        this.committedRecords = mark.records();
        this.thread = new Thread(this, "switchboard-journal");
        thread.setDaemon(true);
        Gauge.builder("switchboard.journal.records", this, writer -> writer.committedRecords)
                .description("Connection records committed in state-dir (open connections and undelivered cleanups)")
                .register(meters);
        Gauge.builder("switchboard.journal.queued", queued, AtomicInteger::get)
                .description("Journal writes waiting for the writer thread")
                .register(meters);
        this.dropped = Counter.builder("switchboard.journal.dropped")
                .description("Connection records not written because the journal queue was full or the store failed")
                .register(meters);
        this.commits = Timer.builder("switchboard.journal.commit")
                .description("Duration of one journal commit (a transaction of a batch, with its fsync)")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        this.lag = Timer.builder("switchboard.journal.lag")
                .description("Time from a journal write being queued to its commit (oldest of each batch)")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    void start() {
        thread.start();
    }

    /** Queues a new record; false when it was dropped. */
    boolean open(ConnectionRecord record) {
        if (stopping || failed) {
            dropped.increment();
            return false;
        }
        if (queuedOpens.incrementAndGet() > capacity) {
            queuedOpens.decrementAndGet();
            dropped.increment();
            return false;
        }
        enqueue(new Open(record, System.nanoTime()));
        return true;
    }

    /** Queues a removal (ignored once stopped: the record stays for the next start). */
    void finish(String connectionId) {
        if (!stopping && !failed) {
            enqueue(new Finish(connectionId, System.nanoTime()));
        }
    }

    private void enqueue(Op op) {
        queued.incrementAndGet();
        queue.offer(op);
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Writes what is queued, then ends the thread; false when it did not end within {@code timeout}. */
    boolean stop(Duration timeout) throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    @Override
    public void run() {
        try {
            while (true) {
                Op first = queue.poll();
                if (first != null) {
                    writeBatch(first);
                } else if (stopping) {
                    return;
                } else {
                    parked = true;
                    if (queue.isEmpty() && !stopping) {
                        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                    }
                    parked = false;
                }
            }
        } catch (SQLException | RuntimeException e) {
            failed = true;
            log.error(
                    "state-dir: writing the connection journal failed; connections are no longer recorded"
                            + " and a crash would leave them without cleanup",
                    e);
        }
    }

    private void writeBatch(Op first) throws SQLException {
        int count = 0;
        int inserted = 0;
        int deleted = 0;
        // the last operation on each id is what the batch leaves of it: a session that moved away
        // and came back within one batch is finished and opened again
        Map<String, Op> last = new LinkedHashMap<>();
        Op op = first;
        do {
            if (op instanceof Open open) {
                queuedOpens.decrementAndGet();
                last.remove(open.record().id());
                last.put(open.record().id(), open);
            } else if (op instanceof Finish finish) {
                last.remove(finish.connectionId());
                last.put(finish.connectionId(), finish);
            }
            count++;
        } while (count < MAX_BATCH && (op = queue.poll()) != null);
        for (Op kept : last.values()) {
            if (kept instanceof Open open) {
                insert.setString(1, open.record().id());
                insert.setString(2, RecordCodec.encode(open.record()));
                insert.addBatch();
                inserted++;
            } else if (kept instanceof Finish finish) {
                delete.setString(1, finish.connectionId());
                delete.addBatch();
                deleted++;
            }
        }
        long started = System.nanoTime();
        // one operation per id, so the order between inserts and removals does not matter
        long added = inserted == 0 ? 0 : sum(insert.executeBatch());
        long removed = deleted == 0 ? 0 : sum(delete.executeBatch());
        sequence.setLong(1, mark.commit() + 1);
        sequence.executeUpdate();
        db.commit();
        long now = System.nanoTime();
        queued.addAndGet(-count);
        committedRecords += added - removed;
        mark = mark.next(committedRecords);
        writeMark();
        commits.record(now - started, TimeUnit.NANOSECONDS);
        lag.record(now - first.queuedAtNanos(), TimeUnit.NANOSECONDS);
    }

    /** Records the commit beside the database; a mark left behind only makes the next start less sure. */
    private void writeMark() {
        try {
            markFile.write(mark);
        } catch (IOException e) {
            if (!markFailed) {
                markFailed = true;
                log.warn(
                        "state-dir: writing {} failed ({}); a crash now makes the next start find the mark behind"
                                + " the database, which it accepts",
                        markFile.path(),
                        e.toString());
            }
        }
    }

    private static long sum(int[] counts) {
        long sum = 0;
        for (int count : counts) {
            sum += Math.max(0, count);
        }
        return sum;
    }
}
