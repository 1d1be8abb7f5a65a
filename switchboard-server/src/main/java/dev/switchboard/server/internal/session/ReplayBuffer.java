package dev.switchboard.server.internal.session;

import dev.switchboard.core.model.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The messages a session sent that its client has not acknowledged, oldest first, within a count,
 * a byte and an age limit. Past a limit the oldest messages leave; {@link #lostUpTo} remembers
 * the last one that left unacknowledged, so a resume that would need it is refused. Not
 * thread-safe: {@link ReliableSession} guards it.
 */
final class ReplayBuffer {
    /** One numbered message and when it was sent (ticker nanoseconds). */
    record Entry(long seq, Message message, long sentAtNanos) {}

    private final int maxMessages;
    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;
    private long lostUpTo;

    ReplayBuffer(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Keeps message {@code seq}; returns how many older messages left to make room for it. */
    int add(long seq, Message message, long nowNanos) {
        entries.addLast(new Entry(seq, message, nowNanos));
        bytes += message.size();
        int dropped = 0;
        while (entries.size() > maxMessages || (bytes > maxBytes && entries.size() > 1)) {
            drop();
            dropped++;
        }
        if (bytes > maxBytes) {
            // one message larger than the whole buffer: it cannot be replayed either
            drop();
            dropped++;
        }
        return dropped;
    }

    /** Forgets every message up to {@code seq}: the client has them. */
    void acknowledge(long seq) {
        while (!entries.isEmpty() && entries.peekFirst().seq() <= seq) {
            bytes -= entries.pollFirst().message().size();
        }
    }

    /** Drops the messages sent before {@code cutoffNanos}; returns how many. */
    int expire(long cutoffNanos) {
        int dropped = 0;
        while (!entries.isEmpty() && entries.peekFirst().sentAtNanos() - cutoffNanos < 0) {
            drop();
            dropped++;
        }
        return dropped;
    }

    private void drop() {
        Entry oldest = entries.pollFirst();
        bytes -= oldest.message().size();
        lostUpTo = oldest.seq();
    }

    /** Restores {@link #lostUpTo} of a session moved from another node. */
    void lost(long seq) {
        lostUpTo = Math.max(lostUpTo, seq);
    }

    /** The last message that left the buffer unacknowledged (0 when none did). */
    long lostUpTo() {
        return lostUpTo;
    }

    /** The messages after {@code seq}, oldest first. */
    List<Entry> after(long seq) {
        List<Entry> later = new ArrayList<>();
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (entry.seq() <= seq) {
                break;
            }
            later.add(entry);
        }
        java.util.Collections.reverse(later);
        return later;
    }

    /** Removes the newest message, {@code seq}: it was never sent (the socket was full). */
    void withdraw(long seq) {
        Entry newest = entries.peekLast();
        if (newest != null && newest.seq() == seq) {
            entries.pollLast();
            bytes -= newest.message().size();
        }
    }

    int size() {
        return entries.size();
    }

    long bytes() {
        return bytes;
    }
}
