package dev.switchboard.core.config;

/**
 * An access key pair that may sign {@code @connections} requests with AWS Signature Version 4
 * ({@code push.aws-credentials[n]} in YAML).
 *
 * @param accessKeyId the key id callers put in their {@code Credential=}
 * @param secretAccessKey the secret both sides sign with; never sent
 */
public record AwsCredential(String accessKeyId, String secretAccessKey) {
    @Override
    public String toString() {
        return "AwsCredential[accessKeyId=" + accessKeyId + ", secretAccessKey=<hidden>]";
    }
}
