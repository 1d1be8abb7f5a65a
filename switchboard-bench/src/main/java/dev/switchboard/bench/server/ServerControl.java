package dev.switchboard.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * The control protocol of a server process: it prints {@code READY <ports>} on stdout, then
 * answers one line per command read on stdin —
 * {@code heap} ({@code HEAP <used bytes after GC> <committed bytes> <RSS bytes>}),
 * {@code count} ({@code COUNT <open connections>}) — until {@code stop} or the end of stdin,
 * when it stops the server and the process exits.
 */
public final class ServerControl {
    private ServerControl() {}

    /** Announces readiness and serves commands until stopped; then runs {@code stop}. */
    public static void serve(String ports, IntSupplier openConnections, Runnable stop) throws IOException {
        System.out.println("READY " + ports);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "heap" -> System.out.println("HEAP " + heapAfterGc() + " " + committedHeap() + " " + rss());
                case "count" -> System.out.println("COUNT " + openConnections.getAsInt());
                case "stop" -> {
                    stop.run();
                    return;
                }
                default -> System.out.println("ERROR unknown command " + line);
            }
            System.out.flush();
        }
        stop.run();
    }

    /** Heap in use after full collections, in bytes. */
    static long heapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            used = Math.min(used, heap.getUsed());
        }
        return used;
    }

    private static long committedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    /** This process's resident set size from {@code /proc/self/status}, in bytes (0 elsewhere). */
    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
