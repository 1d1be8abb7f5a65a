package dev.switchboard.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongUnaryOperator;

/**
 * The CPU time a process and its live descendants have used so far, user and system, from
 * {@code /proc/<pid>/stat}: the figure that carries over from this machine to a bigger one, where
 * throughput on cores shared with the load generator does not. The descendants count so that a
 * server of several processes (nginx's master and workers) is measured whole.
 */
public final class ProcessCpu {
    /** The kernel's clock ticks per second ({@code getconf CLK_TCK}); 100 on Linux in practice. */
    private static final long TICKS_PER_SECOND = clockTicks();

    private ProcessCpu() {}

    /**
     * Microseconds of CPU {@code pid} and its live descendants have used, or -1 when it cannot be
     * read (no such process, not Linux).
     */
    public static long micros(long pid) {
        return overTree(pid, ProcessCpu::ownMicros);
    }

    /** {@code own} of {@code pid} plus that of its live descendants; -1 when {@code pid}'s own is. */
    static long overTree(long pid, LongUnaryOperator own) {
        long root = own.applyAsLong(pid);
        if (root < 0) {
            return -1;
        }
        return root
                + ProcessHandle.of(pid).stream()
                        .flatMap(ProcessHandle::descendants)
                        .mapToLong(child -> Math.max(0, own.applyAsLong(child.pid())))
                        .sum();
    }

    private static long ownMicros(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) may hold spaces; the fields after it are counted from its ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            return ticks * 1_000_000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
