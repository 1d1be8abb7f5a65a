package dev.switchboard.server.internal.lifecycle;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.List;

/**
 * Flushes sockets of one event loop after the tasks already queued on it. A group push writes
 * to its members without flushing and asks for a flush here; when several pushes are queued on
 * the loop, their frames reach each socket in one {@code write(2)} instead of one per push.
 * One per event-loop thread; used only on it.
 */
final class LoopFlusher implements Runnable {
    private static final FastThreadLocal<LoopFlusher> CURRENT = new FastThreadLocal<>() {
        @Override
        protected LoopFlusher initialValue() {
            return new LoopFlusher();
        }
    };

    private List<Channel> pending = new ArrayList<>();
    private List<Channel> flushing = new ArrayList<>();
    private boolean scheduled;

    private LoopFlusher() {}

    /** The flusher of the calling event-loop thread. */
    static LoopFlusher current() {
        return CURRENT.get();
    }

    /** Flushes {@code sockets} once the tasks queued on {@code loop} (the calling thread's) have run. */
    void flushSoon(EventLoop loop, List<Channel> sockets) {
        pending.addAll(sockets);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        // swap first: a flush can run handlers that ask for another flush
        List<Channel> sockets = pending;
        pending = flushing;
        flushing = sockets;
        scheduled = false;
        try {
            for (Channel socket : sockets) {
                socket.flush();
            }
        } finally {
            sockets.clear();
        }
    }
}
