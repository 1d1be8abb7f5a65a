package dev.switchboard.core.dialect.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.AwsCredential;
import dev.switchboard.core.config.PushConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsEnvironmentTest {
    private static final String ENDPOINT = "http://127.0.0.1:8081";

    @Test
    void endpointRegionAndPlaceholderKeysWhenNothingIsConfigured() {
        assertThat(AwsEnvironment.variables(ENDPOINT, PushConfig.defaults(), Map.of()))
                .containsEntry("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI", ENDPOINT)
                .containsEntry("AWS_REGION", "us-east-1")
                .containsEntry("AWS_DEFAULT_REGION", "us-east-1")
                .containsEntry("AWS_ACCESS_KEY_ID", "switchboard")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "switchboard-local");
    }

    @Test
    void handlersSignWithTheFirstConfiguredKeyElseWithTheToken() {
        PushConfig keys = PushConfig.defaults()
                .withToken("t0ken")
                .withAwsCredentials(List.of(new AwsCredential("AKID1", "one"), new AwsCredential("AKID2", "two")));
        assertThat(AwsEnvironment.variables(ENDPOINT, keys, Map.of()))
                .containsEntry("AWS_ACCESS_KEY_ID", "AKID1")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "one");
        assertThat(AwsEnvironment.variables(ENDPOINT, PushConfig.defaults().withToken("t0ken"), Map.of()))
                .containsEntry("AWS_ACCESS_KEY_ID", "switchboard")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "t0ken");
    }

    @Test
    void theGatewaysOwnRegionAndKeysWin() {
        Map<String, String> inherited = Map.of("AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "REAL");
        Map<String, String> variables = AwsEnvironment.variables(ENDPOINT, PushConfig.defaults(), inherited);
        assertThat(variables)
                .doesNotContainKeys("AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
                .containsEntry("AWS_DEFAULT_REGION", "eu-west-1");
    }
}
