package dev.switchboard.bench.report;

/**
 * Memory held by a server with a number of idle connections open, against the same server
 * before they connected. Heap is measured after full collections inside the server's JVM; RSS
 * from its {@code /proc/self/status}.
 *
 * @param server the server measured
 * @param connections idle connections open
 * @param heapBytes heap in use after GC
 * @param heapPerConnection (heap - heap before connecting) / connections
 * @param rssBytes resident set size
 * @param rssPerConnection (RSS - RSS before connecting) / connections
 */
public record MemoryResult(
        String server,
        int connections,
        long heapBytes,
        double heapPerConnection,
        long rssBytes,
        double rssPerConnection) {}
