package dev.switchboard.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.chaos.History.Target;
import dev.switchboard.core.json.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The traffic that runs all the time: workers that connect clients (ordinary and reliable, in
 * random groups), send messages, close or reset them, resume sessions on another node, push to one
 * connection, a list, a group and {@code all} through every node, and join and leave groups. One
 * drain thread takes the clients' frames as they arrive.
 */
final class Workload implements AutoCloseable {
    static final int WORKERS = 48;
    static final int TARGET_CLIENTS = 48;
    static final List<String> GROUPS = List.of("g0", "g1", "g2", "g3");
    private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(5);

    private final ChaosCluster cluster;
    private final History history;
    private final long seed;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong clientKeys = new AtomicLong();
    private volatile boolean running = true;

    Workload(ChaosCluster cluster, History history, long seed) {
        this.cluster = cluster;
        this.history = history;
        this.seed = seed;
    }

    void start() {
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            threads.add(daemon("chaos-worker-" + w, () -> work(worker)));
        }
        threads.add(daemon("chaos-drain", this::drainLoop));
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void drainLoop() {
        while (running) {
            for (ChaosClient client : history.clients) {
                if (!client.resuming()) {
                    client.drain();
                }
            }
            Pause.sleep(Duration.ofMillis(10));
        }
    }

    private void work(int worker) {
        Random random = new Random(seed * 1_000 + worker);
        long n = 0;
        while (running) {
            List<ChaosClient> open = openClients();
            int roll = random.nextInt(100);
            NodeProcess via = cluster.node(random.nextInt(ChaosCluster.NODES));
            boolean done = true;
            if (open.size() < TARGET_CLIENTS && roll < 12 || open.isEmpty()) {
                done = connect(random);
            } else if (roll < 22) {
                done = pick(random, open).send("m" + history.operations.get());
            } else if (roll < 26) {
                ChaosClient client = pick(random, open);
                if (client.reliable) {
                    client.resume(cluster.nodes, (client.node() + 1 + random.nextInt(2)) % ChaosCluster.NODES);
                } else if (random.nextBoolean()) {
                    client.close();
                } else {
                    client.abort();
                }
            } else if (roll < 28) {
                pick(random, open).close();
            } else if (roll < 55) {
                push(worker, ++n, via, Target.SINGLE, "", List.of(pick(random, open).connId));
            } else if (roll < 65) {
                List<String> ids = new ArrayList<>();
                for (int i = 0, count = 2 + random.nextInt(3); i < count; i++) {
                    ids.add(pick(random, open).connId);
                }
                push(worker, ++n, via, Target.LIST, "", ids.stream().distinct().toList());
            } else if (roll < 80) {
                push(worker, ++n, via, Target.GROUP, GROUPS.get(random.nextInt(GROUPS.size())), List.of());
            } else if (roll < 85) {
                push(worker, ++n, via, Target.ALL, "", List.of());
            } else {
                membership(via, pick(random, open), GROUPS.get(random.nextInt(GROUPS.size())), roll < 94);
            }
            if (done) {
                history.operations.incrementAndGet();
            } else {
                Pause.sleep(Duration.ofMillis(20)); // nothing to connect to or send on right now
            }
            resumeDropped(random);
        }
    }

    /** A session whose socket its node dropped (a kill) resumes elsewhere, as a real client would. */
    private void resumeDropped(Random random) {
        for (ChaosClient client : history.clients) {
            if (client.reliable && client.dropped() && !client.ended()) {
                client.resumeDropped(cluster.nodes, (client.node() + 1 + random.nextInt(2)) % ChaosCluster.NODES);
                history.operations.incrementAndGet();
                return;
            }
        }
    }

    private List<ChaosClient> openClients() {
        List<ChaosClient> open = new ArrayList<>();
        for (ChaosClient client : history.clients) {
            if (!client.ended()) {
                open.add(client);
            }
        }
        return open;
    }

    private static ChaosClient pick(Random random, List<ChaosClient> clients) {
        return clients.get(random.nextInt(clients.size()));
    }

    /** Opens a client; false when the handshake failed (its node is down, say). */
    private boolean connect(Random random) {
        int index = random.nextInt(ChaosCluster.NODES);
        List<String> groups = new ArrayList<>();
        for (String group : GROUPS) {
            if (random.nextInt(3) == 0) {
                groups.add(group);
            }
        }
        boolean reliable = random.nextInt(4) == 0;
        String key = "k" + clientKeys.incrementAndGet();
        ChaosClient client = ChaosClient.open(key, reliable, cluster.node(index), index, groups, history);
        if (client != null) {
            for (String group : groups) {
                history.memberships.add(
                        new History.Membership(client.connId, group, true, client.openedAt, client.openedAt));
            }
            history.clients.add(client);
        }
        return client != null;
    }

    private void membership(NodeProcess via, ChaosClient client, String group, boolean join) {
        ObjectNode body = body(join ? "join" : "leave");
        ((ObjectNode) body.get("websocket"))
                .put("secConnectionID", client.connId)
                .put("group", group);
        long sent = System.nanoTime();
        Answer answer = post(via, body);
        long answered = answer.status == 0 ? Long.MAX_VALUE : System.nanoTime();
        if (!join || answer.status == 200) {
            history.memberships.add(new History.Membership(client.connId, group, join, sent, answered));
        }
    }

    private void push(int worker, long n, NodeProcess via, Target target, String group, List<String> ids) {
        long id = history.pushIds.incrementAndGet();
        ObjectNode body = body("data send");
        ObjectNode websocket = (ObjectNode) body.get("websocket");
        websocket.put("dataType", "text").put("data", "P" + id + "." + worker + "." + n);
        switch (target) {
            case SINGLE -> websocket.put("secConnectionID", ids.get(0));
            case LIST -> {
                ArrayNode list = websocket.putArray("secConnectionIDs");
                ids.forEach(list::add);
            }
            case GROUP -> websocket.put("group", group);
            case ALL -> websocket.put("all", true);
        }
        long start = System.nanoTime();
        Answer answer = post(via, body);
        long end = System.nanoTime();
        JsonNode reply = answer.body;
        List<String> failures = new ArrayList<>();
        reply.path("failures")
                .forEach(f -> failures.add(f.path("secConnectionID").asText()));
        List<String> unreachable = new ArrayList<>();
        reply.path("unreachableNodes").forEach(u -> unreachable.add(u.asText()));
        int delivered = target == Target.SINGLE
                ? (answer.status == 200 || answer.status == 202 ? 1 : 0)
                : reply.path("delivered").asInt();
        history.pushes.add(new History.Push(
                id,
                worker,
                n,
                target,
                group,
                ids,
                via.id(),
                start,
                end,
                answer.status,
                reply.path("errNo").asInt(-1),
                delivered,
                failures,
                unreachable));
    }

    private static ObjectNode body(String action) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putObject("websocket").put("action", action);
        return body;
    }

    private record Answer(int status, JsonNode body) {}

    private Answer post(NodeProcess via, JsonNode body) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(via.pushUri("/push"))
                            .header("Content-Type", "application/json")
                            .timeout(PUSH_TIMEOUT)
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), Json.mapper().readTree(response.body()));
        } catch (IOException e) {
            return new Answer(0, Json.mapper().createObjectNode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, Json.mapper().createObjectNode());
        }
    }

    /** Stops the workers and the drain thread, and waits for them. */
    @Override
    public void close() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ChaosClient client : history.clients) {
            client.drain();
        }
    }
}
