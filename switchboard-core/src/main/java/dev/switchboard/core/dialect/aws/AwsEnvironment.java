package dev.switchboard.core.dialect.aws;

import dev.switchboard.core.config.AwsCredential;
import dev.switchboard.core.config.PushConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment that lets AWS SDK code in local (Python, Node) functions reach this node's
 * {@code @connections} API unchanged, as Lambda's environment lets it reach API Gateway:
 *
 * <ul>
 *   <li>{@code AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI}: the push listener; SDKs that read
 *       service-specific endpoint variables send {@code @connections} calls there.
 *   <li>{@code AWS_REGION} and {@code AWS_DEFAULT_REGION}: {@value #DEFAULT_REGION}, unless the
 *       gateway's own environment sets them.
 *   <li>{@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, unless the gateway's own
 *       environment sets an access key: the first {@code push.aws-credentials} pair; else
 *       {@value #LOCAL_ACCESS_KEY_ID} with {@code push.token} as the secret; else a placeholder
 *       pair, so that SDKs can sign at all.
 * </ul>
 */
public final class AwsEnvironment {
    /** The region handlers see when the gateway's environment names none. */
    public static final String DEFAULT_REGION = "us-east-1";
    /** The access key id handlers sign with when the push token is the secret. */
    public static final String LOCAL_ACCESS_KEY_ID = "switchboard";
    /** The secret of the placeholder pair, used when nothing is verified. */
    static final String PLACEHOLDER_SECRET = "switchboard-local";

    private AwsEnvironment() {}

    /**
     * The variables to add to local functions' environment.
     *
     * @param managementEndpoint the push listener's base URL, e.g. {@code http://127.0.0.1:8081}
     * @param push the push listener's config (token and AWS credentials)
     * @param inherited the gateway's own environment, which wins where it sets a value
     */
    public static Map<String, String> variables(
            String managementEndpoint, PushConfig push, Map<String, String> inherited) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI", managementEndpoint);
        if (!inherited.containsKey("AWS_REGION")) {
            variables.put("AWS_REGION", inherited.getOrDefault("AWS_DEFAULT_REGION", DEFAULT_REGION));
        }
        if (!inherited.containsKey("AWS_DEFAULT_REGION")) {
            variables.put("AWS_DEFAULT_REGION", inherited.getOrDefault("AWS_REGION", DEFAULT_REGION));
        }
        if (!inherited.containsKey("AWS_ACCESS_KEY_ID")) {
            AwsCredential credential = !push.awsCredentials().isEmpty()
                    ? push.awsCredentials().get(0)
                    : new AwsCredential(LOCAL_ACCESS_KEY_ID, push.token() != null ? push.token() : PLACEHOLDER_SECRET);
            variables.put("AWS_ACCESS_KEY_ID", credential.accessKeyId());
            variables.put("AWS_SECRET_ACCESS_KEY", credential.secretAccessKey());
        }
        return Map.copyOf(variables);
    }
}
