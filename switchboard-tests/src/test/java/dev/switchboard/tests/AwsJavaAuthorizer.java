package dev.switchboard.tests;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import java.util.List;
import java.util.Map;

/**
 * A REQUEST-type Lambda authorizer written against {@code aws-lambda-java-events}, as for API
 * Gateway: {@code ?token=allow-<user>} is allowed as that user with a context, any other token is
 * denied, and {@code ?token=fail} throws.
 */
public final class AwsJavaAuthorizer implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponse> {

    @Override
    public IamPolicyResponse handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        String token = event.getQueryStringParameters().getOrDefault("token", "");
        if (token.equals("fail")) {
            throw new IllegalStateException("Unauthorized");
        }
        boolean allow = token.startsWith("allow-");
        String user = allow ? token.substring("allow-".length()) : "anonymous";
        IamPolicyResponse.Statement statement = allow
                ? IamPolicyResponse.allowStatement(event.getMethodArn())
                : IamPolicyResponse.denyStatement(event.getMethodArn());
        return IamPolicyResponse.builder()
                .withPrincipalId(user)
                .withPolicyDocument(IamPolicyResponse.PolicyDocument.builder()
                        .withVersion(IamPolicyResponse.VERSION_2012_10_17)
                        .withStatement(List.of(statement))
                        .build())
                .withContext(Map.of("tier", "gold", "quota", 5, "admin", false))
                .build();
    }
}
