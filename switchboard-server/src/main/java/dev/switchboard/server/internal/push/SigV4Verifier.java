package dev.switchboard.server.internal.push;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 ({@code Authorization: AWS4-HMAC-SHA256 Credential=…,
 * SignedHeaders=…, Signature=…}) as API Gateway does for {@code @connections} calls: it rebuilds
 * the canonical request from what arrived (the path URI-encoded once more, as AWS SDKs sign it
 * for every service but S3), derives the signing key from the secret of the credential's access
 * key id, and compares signatures in constant time. The signing time ({@code X-Amz-Date}) must be
 * within {@link #MAX_SKEW} of the verifier's clock, and a signed payload hash must match the body.
 */
final class SigV4Verifier {
    /** How far the signing time may be from now, either way; AWS allows the same. */
    static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final HexFormat HEX = HexFormat.of();

    private final Function<String, Optional<String>> secrets;
    private final Clock clock;

    /**
     * @param secrets the secret access key of an access key id, if it is known
     * @param clock the time signatures are checked against
     */
    SigV4Verifier(Function<String, Optional<String>> secrets, Clock clock) {
        this.secrets = secrets;
        this.clock = clock;
    }

    /** A signature that does not verify, with the message API Gateway would answer. */
    static final class InvalidSignatureException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidSignatureException(String message) {
            super(message);
        }
    }

    /**
     * Verifies one request.
     *
     * @param rawPath the path as it arrived, still percent-encoded
     * @param rawQuery the query as it arrived, without {@code ?}, possibly empty
     * @throws InvalidSignatureException saying what is wrong
     */
    void verify(String method, String rawPath, String rawQuery, HttpHeaders headers, byte[] body) {
        String authorization = headers.get("Authorization");
        if (authorization == null || !authorization.startsWith(ALGORITHM + " ")) {
            throw new InvalidSignatureException("Missing Authentication Token");
        }
        Map<String, String> fields = fields(authorization.substring(ALGORITHM.length() + 1));
        String credential = fields.get("Credential");
        String signedHeaders = fields.get("SignedHeaders");
        String signature = fields.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            throw new InvalidSignatureException("Authorization header requires 'Credential', 'SignedHeaders' and"
                    + " 'Signature' parameters. Authorization=" + authorization);
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            throw new InvalidSignatureException(
                    "Credential should be scoped to a valid region and service: " + credential);
        }
        String secret = secrets.apply(scope[0])
                .orElseThrow(
                        () -> new InvalidSignatureException("The security token included in the request is invalid."));
        String amzDate = headers.get("X-Amz-Date");
        if (amzDate == null) {
            throw new InvalidSignatureException(
                    "Authorization header requires existence of either a 'X-Amz-Date' or" + " a 'Date' header.");
        }
        checkTime(amzDate, scope[1]);
        List<String> signed = List.of(signedHeaders.split(";", -1));
        if (!signed.contains("host")) {
            throw new InvalidSignatureException("'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        String payloadHash = payloadHash(headers, body);
        String canonicalRequest = method
                + '\n'
                + canonicalPath(rawPath)
                + '\n'
                + canonicalQuery(rawQuery)
                + '\n'
                + canonicalHeaders(signed, headers)
                + '\n'
                + signedHeaders
                + '\n'
                + payloadHash;
        String credentialScope = String.join("/", scope[1], scope[2], scope[3], scope[4]);
        String stringToSign =
                ALGORITHM + '\n' + amzDate + '\n' + credentialScope + '\n' + HEX.formatHex(sha256(canonicalRequest));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), scope[1]);
        key = hmac(key, scope[2]);
        key = hmac(key, scope[3]);
        key = hmac(key, "aws4_request");
        String expected = HEX.formatHex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                signature.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            throw new InvalidSignatureException("The request signature we calculated does not match the signature"
                    + " you provided. Check your AWS Secret Access Key and signing method.");
        }
    }

    private void checkTime(String amzDate, String scopeDate) {
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new InvalidSignatureException("Date must be in ISO-8601 'basic format'. Got '" + amzDate + "'.");
        }
        if (!amzDate.startsWith(scopeDate)) {
            throw new InvalidSignatureException("Date in Credential scope does not match YYYYMMDD from ISO-8601"
                    + " version of date from HTTP: '" + scopeDate + "' != '" + amzDate.substring(0, 8) + "'");
        }
        Duration skew = Duration.between(signedAt, clock.instant()).abs();
        if (skew.compareTo(MAX_SKEW) > 0) {
            throw new InvalidSignatureException("Signature expired: " + amzDate + " is more than "
                    + MAX_SKEW.toMinutes() + " minutes from the server's time.");
        }
    }

    private static String payloadHash(HttpHeaders headers, byte[] body) {
        String actual = HEX.formatHex(sha256(body));
        String declared = headers.get("X-Amz-Content-Sha256");
        if (declared == null) {
            return actual;
        }
        if (!declared.equals("UNSIGNED-PAYLOAD") && !declared.equalsIgnoreCase(actual)) {
            throw new InvalidSignatureException(
                    "The provided 'x-amz-content-sha256' header does not match what was" + " computed.");
        }
        return declared;
    }

    /** The path as it arrived, each character other than unreserved ones and {@code /} encoded again. */
    static String canonicalPath(String rawPath) {
        return rawPath.isEmpty() ? "/" : encode(rawPath, true);
    }

    static String canonicalQuery(String rawQuery) {
        if (rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String parameter : rawQuery.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            String value = equals < 0 ? "" : parameter.substring(equals + 1);
            pairs.add(new String[] {encode(decode(name), false), encode(decode(value), false)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder query = new StringBuilder();
        for (String[] pair : pairs) {
            if (query.length() > 0) {
                query.append('&');
            }
            query.append(pair[0]).append('=').append(pair[1]);
        }
        return query.toString();
    }

    private static String canonicalHeaders(List<String> signed, HttpHeaders headers) {
        StringBuilder canonical = new StringBuilder();
        for (String name : signed) {
            List<String> values = headers.getAll(name);
            List<String> trimmed = new ArrayList<>(values.size());
            for (String value : values) {
                trimmed.add(value.strip().replaceAll("\\s+", " "));
            }
            canonical.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        return canonical.toString();
    }

    /** RFC 3986 percent-encoding of everything but unreserved characters (and {@code /} if asked). */
    private static String encode(String text, boolean keepSlash) {
        StringBuilder encoded = new StringBuilder(text.length() + 16);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~'
                    || (keepSlash && c == '/')) {
                encoded.append(c);
            } else {
                encoded.append('%').append(HEX.withUpperCase().toHexDigits(b));
            }
        }
        return encoded.toString();
    }

    /** Percent-decoding of a path segment or query part; {@code +} stays {@code +}. */
    static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high >= 0 && low >= 0) {
                    out.write(high * 16 + low);
                    i += 3;
                    continue;
                }
            }
            int codePoint = text.codePointAt(i);
            out.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
            i += Character.charCount(codePoint);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> fields(String parameters) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : parameters.split(",")) {
            String trimmed = part.strip();
            int equals = trimmed.indexOf('=');
            if (equals > 0) {
                fields.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
            }
        }
        return fields;
    }

    private static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
