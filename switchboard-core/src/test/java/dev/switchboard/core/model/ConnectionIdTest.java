package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConnectionIdTest {
    @Test
    void startsWithTheNodeIdAndADot() {
        String id = ConnectionId.generate("gw-1");

        assertThat(id).startsWith("gw-1.");
        assertThat(ConnectionId.nodeOf(id)).contains("gw-1");
    }

    @Test
    void randomPartIs22UrlSafeCharacters() {
        String id = ConnectionId.generate("node_A-7");

        assertThat(id.substring("node_A-7.".length())).matches("[A-Za-z0-9_-]{22}");
    }

    @Test
    void idsAreUrlSafeSoTheyFitInAPath() {
        for (int i = 0; i < 1000; i++) {
            String id = ConnectionId.generate("gw-1");

            assertThat(URLEncoder.encode(id, StandardCharsets.UTF_8)).isEqualTo(id);
            assertThat(id).doesNotContain("/", "+", "=", "%", "?", "#");
        }
    }

    @Test
    void idsAreUnique() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(ConnectionId.generate("gw-1"));
        }

        assertThat(ids).hasSize(100_000);
    }

    @Test
    void idsAreUniqueAcrossThreads() throws Exception {
        // each thread draws from its own generator: no two may hand out the same id
        Set<String> ids = ConcurrentHashMap.newKeySet();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 25_000; i++) {
                        ids.add(ConnectionId.generate("gw-1"));
                    }
                }));
            }
            for (Future<?> thread : done) {
                thread.get();
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(ids).hasSize(100_000);
    }

    @Test
    void everyValidNodeIdCanBeReadBack() {
        for (String nodeId : new String[] {"a", "gw-1", "N_2", "x".repeat(64)}) {
            assertThat(nodeId).matches(ConnectionId.NODE_ID);
            assertThat(ConnectionId.nodeOf(ConnectionId.generate(nodeId))).contains(nodeId);
        }
    }

    @Test
    void nodeIdsCannotContainTheSeparator() {
        assertThat("gw.1").doesNotMatch(ConnectionId.NODE_ID);
        assertThat("").doesNotMatch(ConnectionId.NODE_ID);
        assertThat("x".repeat(65)).doesNotMatch(ConnectionId.NODE_ID);
    }

    @Test
    void foreignIdsHaveNoNode() {
        assertThat(ConnectionId.nodeOf("Qm9vLmV4YW1wbGUuaWQx")).isEmpty();
        assertThat(ConnectionId.nodeOf(".abc")).isEmpty();
        assertThat(ConnectionId.nodeOf("")).isEmpty();
    }
}
