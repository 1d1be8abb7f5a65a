package dev.switchboard.core.dialect.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.BinaryFrames;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.CloseEvent;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.ConnectEvent;
import dev.switchboard.core.model.FunctionEvent;
import dev.switchboard.core.model.RequestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A connection's user in the aws dialect: {@code requestContext.authorizer}, as API Gateway has it. */
class AwsAuthorizerEventTest {
    private static final Instant NOW = Instant.parse("2024-02-09T18:11:43.420Z");

    private final AwsDialect dialect = new AwsDialect(
            AwsDialectConfig.defaults(), BinaryFrames.CLOSE, () -> "127.0.0.1:8081", Clock.fixed(NOW, ZoneOffset.UTC));

    private JsonNode write(FunctionEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            dialect.eventWriter().write(event, g);
        }
        return Json.mapper().readTree(out.toByteArray());
    }

    private static RequestContext request(String userId, ObjectNode claims) {
        return new RequestContext("svc", "prod", "/aws", "192.0.2.1", "req-1", null, NOW, userId, claims);
    }

    @Test
    void connectCarriesThePrincipalAndTheClaimsAndDisconnectThePrincipal() throws IOException {
        ObjectNode claims = Json.mapper().createObjectNode().put("sub", "alice").put("role", "admin");

        JsonNode connect =
                write(new ConnectEvent(request("alice", claims), "c1", Map.of(), Map.of(), "/aws", null, null));
        JsonNode disconnect =
                write(new CloseEvent(request("alice", null), "c1", null, new CloseCause(1000, "", ClosedBy.CLIENT)));
        JsonNode anonymous = write(new CloseEvent(
                new RequestContext("svc", "prod", "/aws", "192.0.2.1", "req-2"),
                "c2",
                null,
                new CloseCause(1000, "", ClosedBy.CLIENT)));

        assertThat(connect.at("/requestContext/authorizer/principalId").asText())
                .isEqualTo("alice");
        assertThat(connect.at("/requestContext/authorizer/jwt/claims/role").asText())
                .isEqualTo("admin");
        assertThat(disconnect.at("/requestContext/authorizer").toString()).isEqualTo("{\"principalId\":\"alice\"}");
        assertThat(anonymous.at("/requestContext").has("authorizer")).isFalse();
    }
}
