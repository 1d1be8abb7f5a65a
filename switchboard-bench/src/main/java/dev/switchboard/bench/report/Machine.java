package dev.switchboard.bench.report;

import dev.switchboard.bench.net.EventLoops;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine and JVM a run happened on.
 *
 * @param cpuModel from {@code /proc/cpuinfo}
 * @param cores available processors
 * @param memoryBytes total memory from {@code /proc/meminfo}
 * @param kernel operating system and version
 * @param java Java runtime version and VM
 * @param transport the Netty transport in use
 * @param loadJvmOptions the load generator JVM's options
 * @param serverJvmOptions options given to server JVMs
 * @param openFilesLimit this process's limit on open files (caps connections per process)
 */
public record Machine(
        String cpuModel,
        int cores,
        long memoryBytes,
        String kernel,
        String java,
        String transport,
        List<String> loadJvmOptions,
        List<String> serverJvmOptions,
        long openFilesLimit) {

    /** This machine, with {@code serverJvmOptions} for the server JVMs. */
    public static Machine current(List<String> serverJvmOptions) {
        return new Machine(
                procField("/proc/cpuinfo", "model name", "unknown"),
                Runtime.getRuntime().availableProcessors(),
                parseKb(procField("/proc/meminfo", "MemTotal", "0")),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.runtime.version") + " " + System.getProperty("java.vm.name"),
                EventLoops.transportName(),
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                serverJvmOptions,
                parseKb(procField("/proc/self/limits", "Max open files", "0")));
    }

    private static String procField(String file, String key, String fallback) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    String rest = line.substring(key.length()).trim();
                    return rest.startsWith(":") ? rest.substring(1).trim() : rest;
                }
            }
        } catch (IOException e) {
            return fallback;
        }
        return fallback;
    }

    /** The first number in {@code text}; kB values of /proc/meminfo are turned into bytes. */
    private static long parseKb(String text) {
        String[] words = text.trim().split("\\s+");
        try {
            long value = Long.parseLong(words[0]);
            return words.length > 1 && words[1].equals("kB") ? value * 1024 : value;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
