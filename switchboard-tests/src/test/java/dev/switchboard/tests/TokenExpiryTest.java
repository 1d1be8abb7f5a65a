package dev.switchboard.tests;

import static dev.switchboard.tests.TokenAuthTest.claims;
import static dev.switchboard.tests.TokenAuthTest.hs256;
import static dev.switchboard.tests.TokenAuthTest.hs256Token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.GatewayExtension;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.TestGateway.PushResponse;
import dev.switchboard.testkit.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A token's {@code exp} closes its connection with 4401, on a ticker that moves only when the
 * test advances it; a refresh, from the client ({@code $refresh}) or from the backend (push
 * {@code refresh}), moves the end to the new token's {@code exp}. Tokens expire hours from now,
 * so only the advance can make one run out within the test.
 */
class TokenExpiryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration LONG = Duration.ofDays(100);

    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.onManualTicker();

    private void start() {
        gateway.functions().on("/transfer", event -> StubResponse.ok());
        gateway.functions().on("/cleanup", event -> StubResponse.ok());
        gateway.start(GatewayConfig.builder()
                // nothing but the token may end a connection while the test moves hours on
                .limits(LimitsConfig.builder()
                        .idleTimeout(LONG)
                        .maxLifetime(LONG)
                        .pingInterval(LONG)
                        .build())
                .route(RouteConfig.builder("/chat")
                        .auth(hs256().clockSkew(Duration.ZERO).build())
                        .transfer(gateway.functions().target("/transfer"))
                        .cleanup(gateway.functions().target("/cleanup"))
                        .build()));
    }

    private static String token(String user, Duration validFor) {
        return hs256Token(claims(user)
                .expirationTime(Date.from(Instant.now().plus(validFor)))
                .build());
    }

    private WsClient connect(String user, Duration validFor) {
        return gateway.open(WsClient.to(gateway.ws("/chat?token=" + token(user, validFor))));
    }

    private static String refresh(String token) {
        return "{\"action\":\"$refresh\",\"token\":\"" + token + "\"}";
    }

    /** The connection's id, from the transfer event of a message it sends now. */
    private String idOf(WsClient client) {
        int before = gateway.functions().received("/transfer").size();
        client.sendText("who am I");
        await().atMost(WAIT)
                .until(() -> gateway.functions().received("/transfer").size() > before);
        return gateway.functions()
                .received("/transfer")
                .get(before)
                .at("/websocket/secConnectionID")
                .asText();
    }

    /** True when {@code client} still gets a push: the gateway has not closed it. */
    private boolean stillOpen(WsClient client, String id) {
        PushResponse answer = gateway.push(dev.switchboard.testkit.TestGateway.sendText(id, "still here?"));
        return answer.status() == 200 && client.next(WAIT).text().equals("still here?");
    }

    @Test
    void aConnectionClosesWith4401WhenItsTokenExpiresOnTheTicker() {
        start();
        WsClient client = connect("erin", HOUR);
        String id = idOf(client);

        gateway.advance(Duration.ofMinutes(50));
        assertThat(stillOpen(client, id)).isTrue();
        gateway.advance(Duration.ofMinutes(20));
        WsClient.Closed closed = client.awaitClose(WAIT);
        await().atMost(WAIT)
                .until(() -> gateway.functions().received("/cleanup").size() == 1);

        assertThat(closed.code()).isEqualTo(4401);
        assertThat(closed.reason()).isEqualTo("token expired");
        JsonNode cleanup = gateway.functions().received("/cleanup").get(0);
        assertThat(cleanup.get("closeCode").asInt()).isEqualTo(4401);
        assertThat(cleanup.get("closedBy").asText()).isEqualTo("server");
        assertThat(cleanup.get("userId").asText()).isEqualTo("erin");
    }

    @Test
    void aClientRefreshMovesTheEndToTheNewTokensExpAndNeverReachesTheTransferFunction() throws Exception {
        start();
        WsClient client = connect("erin", HOUR);
        String id = idOf(client);
        int transfers = gateway.functions().received("/transfer").size();

        client.sendText(refresh(token("erin", Duration.ofHours(3))));
        JsonNode answer = Json.mapper().readTree(client.next(WAIT).text());
        gateway.advance(Duration.ofHours(2));

        assertThat(answer.get("action").asText()).isEqualTo("$refresh");
        assertThat(answer.get("errNo").asInt()).isZero();
        assertThat(Instant.parse(answer.get("expiresAt").asText()))
                .isAfter(Instant.now().plus(Duration.ofHours(2)));
        assertThat(stillOpen(client, id)).isTrue();
        assertThat(gateway.functions().received("/transfer")).hasSize(transfers);

        gateway.advance(Duration.ofHours(2));
        assertThat(client.awaitClose(WAIT).code()).isEqualTo(4401);
    }

    @Test
    void aRefreshThatNamesAnotherUserOrIsNotValidIsRefusedAndTheOldExpiryStands() throws Exception {
        start();
        WsClient client = connect("erin", HOUR);
        String id = idOf(client);

        client.sendText(refresh(token("mallory", Duration.ofHours(3))));
        JsonNode otherUser = Json.mapper().readTree(client.next(WAIT).text());
        client.sendText(refresh(token("erin", Duration.ofHours(3)) + "x"));
        JsonNode badSignature = Json.mapper().readTree(client.next(WAIT).text());
        PushResponse pushed = gateway.push("{\"websocket\":{\"action\":\"refresh\",\"secConnectionID\":\"" + id
                + "\",\"token\":\"" + token("mallory", Duration.ofHours(3)) + "\"}}");

        assertThat(otherUser.get("errNo").asInt()).isEqualTo(4012);
        assertThat(otherUser.get("errMsg").asText()).contains("another user");
        assertThat(badSignature.get("errNo").asInt()).isEqualTo(4012);
        assertThat(pushed.status()).isEqualTo(401);
        assertThat(pushed.errNo()).isEqualTo(4012);
        gateway.advance(Duration.ofMinutes(70));
        assertThat(client.awaitClose(WAIT).code()).isEqualTo(4401);
    }

    @Test
    void aBackendRefreshByConnectionOrByUserKeepsTheConnectionsOpen() {
        start();
        WsClient first = connect("erin", HOUR);
        WsClient second = connect("erin", HOUR);
        String firstId = idOf(first);
        String secondId = idOf(second);

        PushResponse one = gateway.push("{\"websocket\":{\"action\":\"refresh\",\"secConnectionID\":\"" + firstId
                + "\",\"token\":\"" + token("erin", Duration.ofHours(3)) + "\"}}");
        gateway.advance(Duration.ofMinutes(70));

        assertThat(one.status()).as(one.body().toString()).isEqualTo(200);
        assertThat(one.body().get("expiresAt").asText()).isNotEmpty();
        assertThat(second.awaitClose(WAIT).code()).isEqualTo(4401);
        assertThat(stillOpen(first, firstId)).isTrue();

        WsClient third = connect("erin", HOUR);
        String thirdId = idOf(third);
        PushResponse byUser = gateway.push("{\"websocket\":{\"action\":\"refresh\",\"userId\":\"erin\",\"token\":\""
                + token("erin", Duration.ofHours(5)) + "\"}}");
        gateway.advance(Duration.ofHours(3));

        assertThat(byUser.body().get("delivered").asInt()).isEqualTo(2);
        assertThat(secondId).isNotEqualTo(thirdId);
        assertThat(stillOpen(first, firstId)).isTrue();
        assertThat(stillOpen(third, thirdId)).isTrue();
    }
}
