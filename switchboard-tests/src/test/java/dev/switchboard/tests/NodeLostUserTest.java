package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.ClusterConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.RedisServer;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection's user survives its node: the {@code node-lost} cleanup that a surviving node
 * runs after a {@code kill -9}, and the one a node restarted on its {@code state-dir} runs for
 * its previous run, carry the {@code userId} the connection had, as every other event does; on an
 * aws route, also what its {@code $connect} authorizer allowed it with.
 */
class NodeLostUserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final Duration TTL = Duration.ofSeconds(1);
    /** The user each client names in {@code ?user=}; the empty one connects without a user. */
    private static final List<String> USERS = List.of("alice", "alice", "bob", "");

    @TempDir
    Path dir;

    private final List<WsClient> clients = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        clients.forEach(WsClient::abort);
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** Accepts with the {@code userId} of {@code ?user=} (none when empty), the id in the context. */
    private static StubResponse userOfQueryWithIdInContext(JsonNode event) {
        ObjectNode body = StubFunctionServer.json().put("errNo", 0).put("errMsg", "ok");
        String user = event.at("/queryString/user").asText("");
        if (!user.isEmpty()) {
            body.put("userId", user);
        }
        body.set("context", StubFunctionServer.json().put("id", StateDirNodes.connectionId(event)));
        return StubResponse.json(body);
    }

    /** Opens one client per entry of {@link #USERS}; answers each connection id's user. */
    private Map<String, String> connectUsers(StubFunctionServer functions, URI chat) {
        Map<String, String> userOf = new HashMap<>();
        for (String user : USERS) {
            URI uri = URI.create(chat + "?user=" + user);
            userOf.put(ClusterClients.connect(functions, uri, clients), user);
        }
        return userOf;
    }

    private static void assertEachCarriesItsUser(List<JsonNode> cleanups, Map<String, String> userOf) {
        assertThat(cleanups).hasSize(userOf.size());
        Map<String, String> seen = new HashMap<>();
        cleanups.forEach(cleanup -> seen.put(
                StateDirNodes.connectionId(cleanup), cleanup.path("userId").asText("")));
        assertThat(seen).isEqualTo(userOf);
        assertThat(cleanups)
                .filteredOn(cleanup -> StateDirNodes.connectionId(cleanup).equals(keyOfNoUser(userOf)))
                .allSatisfy(cleanup -> assertThat(cleanup.has("userId")).isFalse());
    }

    private static String keyOfNoUser(Map<String, String> userOf) {
        return userOf.entrySet().stream()
                .filter(entry -> entry.getValue().isEmpty())
                .findFirst()
                .orElseThrow()
                .getKey();
    }

    @Test
    void survivorsNodeLostCleanupCarriesEachConnectionsUser() throws Exception {
        RedisServer redis = RedisServer.start();
        resources.add(redis);
        StubFunctionServer functions = StubFunctionServer.start();
        resources.add(functions);
        functions.on("/register", NodeLostUserTest::userOfQueryWithIdInContext);
        functions.on("/cleanup", event -> StubResponse.ok());
        TestGateway survivor = survivor(redis, RouteConfig.builder("/chat"), functions);
        Process victim = startVictim(redis, functions);
        resources.add(victim::destroyForcibly);
        await().atMost(WAIT).until(() -> survivor.gateway().clusterNodes().size() == 2);
        Map<String, String> userOf = connectUsers(functions, AppJar.clientUrl(dir.resolve("victim.log"), WAIT));
        // the survivor lists the victim's connections from their records, each with its user
        Map<String, String> listed = new HashMap<>();
        survivor.send(HttpRequest.newBuilder(survivor.pushUri("/connections?limit=100"))
                        .build())
                .body()
                .get("connections")
                .forEach(connection -> listed.put(
                        connection.get("secConnectionID").asText(),
                        connection.get("userId").asText("")));
        assertThat(listed).isEqualTo(userOf);

        StateDirNodes.kill(victim);

        await().atMost(TTL.plusSeconds(5)).until(() -> nodeLost(functions).size() >= userOf.size());
        assertEachCarriesItsUser(nodeLost(functions), userOf);
    }

    @Test
    void survivorsNodeLostDisconnectCarriesWhatTheAwsAuthorizerAllowed() throws Exception {
        RedisServer redis = RedisServer.start();
        resources.add(redis);
        StubFunctionServer functions = StubFunctionServer.start();
        resources.add(functions);
        functions.on("/authorizer", event -> StubResponse.json(AwsAuthorizerClusterTest.allowPolicy(event)));
        TestGateway survivor = survivor(
                redis,
                RouteConfig.builder("/chat")
                        .dialect(AwsDialectConfig.builder()
                                .authorizer(functions.target("/authorizer"))
                                .build()),
                functions);
        Process victim = startVictim(redis, """
                    dialect: aws
                    authorizer: %s
                    route-keys:
                      $connect: %s
                      $disconnect: %s
                """.formatted(
                        functions.url("/authorizer"), functions.url("/register"), functions.url("/cleanup")));
        resources.add(victim::destroyForcibly);
        await().atMost(WAIT).until(() -> survivor.gateway().clusterNodes().size() == 2);
        URI chat = AppJar.clientUrl(dir.resolve("victim.log"), WAIT);
        for (String user : List.of("alice", "bob")) {
            clients.add(WsClient.open(URI.create(chat + "?user=" + user)));
        }
        await().atMost(WAIT).until(() -> functions.received("/register").size() == 2);

        StateDirNodes.kill(victim);

        await().atMost(TTL.plusSeconds(5))
                .until(() -> functions.received("/cleanup").size() >= 2);
        assertThat(functions.received("/cleanup"))
                .extracting(cleanup -> cleanup.at("/requestContext/authorizer"))
                .containsExactlyInAnyOrder(
                        StubFunctionServer.json().put("plan", "pro").put("principalId", "alice"),
                        StubFunctionServer.json().put("plan", "pro").put("principalId", "bob"));
    }

    @Test
    void restartedNodesCleanupOfItsPreviousRunCarriesEachConnectionsUser() throws Exception {
        StateDirNodes nodes = new StateDirNodes(dir, "auto");
        resources.add(nodes);
        nodes.functions().on("/register", NodeLostUserTest::userOfQueryWithIdInContext);
        Process first = nodes.start();
        Map<String, String> userOf = connectUsers(nodes.functions(), nodes.clientUrl(first));
        await().atMost(WAIT).until(() -> nodes.metric(first, "switchboard_journal_records") == USERS.size());

        StateDirNodes.kill(first);
        nodes.started();

        await().atMost(WAIT).until(() -> nodes.cleanups("node-lost").size() >= userOf.size());
        assertEachCarriesItsUser(nodes.cleanups("node-lost"), userOf);
    }

    /** The node that survives, in the cluster of {@code redis}, with {@code route}'s /register and /cleanup. */
    private TestGateway survivor(RedisServer redis, RouteConfig.Builder route, StubFunctionServer functions) {
        TestGateway survivor = TestGateway.start(GatewayConfig.builder()
                .nodeId("survivor")
                .cluster(ClusterConfig.of(redis.uri()).withHeartbeat(HEARTBEAT, TTL))
                .route(route.register(functions.target("/register"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
        resources.add(survivor);
        return survivor;
    }

    private static List<JsonNode> nodeLost(StubFunctionServer functions) {
        return functions.received("/cleanup").stream()
                .filter(cleanup -> cleanup.path("closedBy").asText().equals("node-lost"))
                .toList();
    }

    private Process startVictim(RedisServer redis, StubFunctionServer functions) throws Exception {
        return startVictim(redis, """
                    functions:
                      register: %s
                      cleanup: %s
                """.formatted(functions.url("/register"), functions.url("/cleanup")));
    }

    /** A child node named victim in the cluster of {@code redis}, with route /chat and {@code routeKeys}. */
    private Process startVictim(RedisServer redis, String routeKeys) throws Exception {
        Path config = dir.resolve("victim.yaml");
        Files.writeString(config, """
                node-id: victim
                listen: 127.0.0.1:0
                push:
                  listen: 127.0.0.1:0
                cluster:
                  redis: %s
                  heartbeat-interval: %dms
                  heartbeat-ttl: %dms
                routes:
                  - path: /chat
                """.formatted(redis.uri(), HEARTBEAT.toMillis(), TTL.toMillis()) + routeKeys);
        return AppJar.serve(config)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("victim.log").toFile())
                .start();
    }
}
