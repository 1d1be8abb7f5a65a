package dev.switchboard.core.dialect.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.json.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How an authorizer's answer decides a {@code $connect}: IAM policy matching and what is not a policy. */
class AuthorizerDecisionTest {
    private static final String ARN = AuthorizerEvents.methodArn("abc123", "production");

    private static AuthorizerDecision answer(String json) throws Exception {
        return AuthorizerDecision.of(
                new FunctionResult.Response(200, Json.mapper().readTree(json), json), ARN);
    }

    private static String policy(String statements) {
        return "{\"principalId\":\"alice\",\"policyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":" + statements
                + "},\"context\":{\"tier\":\"gold\",\"quota\":5,\"admin\":true}}";
    }

    @Test
    void anAllowOnTheMethodArnOrAWildcardAllowsWithThePrincipalAndContext() throws Exception {
        for (String resource : new String[] {
            "\"" + ARN + "\"",
            "\"*\"",
            "[\"arn:aws:execute-api:*:*:abc123/*\"]",
            "\"arn:aws:execute-api:*:*:abc123/*/$connect\""
        }) {
            AuthorizerDecision decision = answer(
                    policy("[{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Allow\",\"Resource\":" + resource + "}]"));

            assertThat(decision).as(resource).isInstanceOf(AuthorizerDecision.Allow.class);
            assertThat(((AuthorizerDecision.Allow) decision).authorizer())
                    .isEqualTo(Json.mapper()
                            .readTree("{\"tier\":\"gold\",\"quota\":5,\"admin\":true,\"principalId\":\"alice\"}"));
        }
    }

    @Test
    void aDenyWinsAndAPolicyThatCoversSomethingElseDenies() throws Exception {
        String allow = "{\"Action\":\"execute-api:*\",\"Effect\":\"Allow\",\"Resource\":\"*\"}";
        String deny = "{\"Action\":[\"execute-api:Invoke\"],\"Effect\":\"Deny\",\"Resource\":[\"" + ARN + "\"]}";
        String elsewhere = "{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Allow\",\"Resource\":\""
                + AuthorizerEvents.methodArn("other", "production") + "\"}";

        assertThat(answer(policy("[" + allow + "," + deny + "]"))).isInstanceOf(AuthorizerDecision.Deny.class);
        assertThat(answer(policy("[" + elsewhere + "]"))).isInstanceOf(AuthorizerDecision.Deny.class);
        assertThat(answer(policy(allow))).as("one statement as an object").isInstanceOf(AuthorizerDecision.Allow.class);
    }

    @Test
    void whatIsNotAPolicyFailsWithTheReason() throws Exception {
        String allow = "[{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Allow\",\"Resource\":\"*\"}]";

        assertThat(answer("{\"policyDocument\":{\"Statement\":" + allow + "}}"))
                .isEqualTo(new AuthorizerDecision.Failed("authorizer's answer has no principalId string"));
        assertThat(answer("{\"principalId\":\"a\"}"))
                .isEqualTo(new AuthorizerDecision.Failed("authorizer's answer has no policyDocument.Statement"));
        assertThat(answer("{\"principalId\":\"a\",\"policyDocument\":{\"Statement\":" + allow
                        + "},\"context\":{\"roles\":[\"x\"]}}"))
                .isEqualTo(
                        new AuthorizerDecision.Failed("authorizer's context.roles is not a string, number or boolean"));
        assertThat(AuthorizerDecision.of(new FunctionResult.Timeout(Duration.ofSeconds(3)), ARN))
                .isEqualTo(new AuthorizerDecision.Failed("authorizer failed: no answer within 3000 ms"));
        assertThat(AuthorizerDecision.of(new FunctionResult.Response(500, null, ""), ARN))
                .isInstanceOf(AuthorizerDecision.Failed.class);
    }
}
