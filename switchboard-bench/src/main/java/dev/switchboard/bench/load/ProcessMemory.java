package dev.switchboard.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory a server holds, as the proportional set size (PSS) of a process and its live
 * descendants from {@code /proc/<pid>/smaps_rollup}. For one process it is its RSS less its share
 * of pages it maps together with others (shared libraries); for nginx's master and workers it
 * counts their shared memory zone once, where summing their RSS would count it once per process.
 */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Bytes of PSS of {@code pid} and its live descendants, or -1 when it cannot be read. */
    public static long pssBytes(long pid) {
        return ProcessCpu.overTree(pid, ProcessMemory::ownPss);
    }

    private static long ownPss(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
