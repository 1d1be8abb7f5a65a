package dev.switchboard.server.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.config.AuthConfig;
import dev.switchboard.core.dialect.RegistrationDecision;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.push.GroupNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One route's token auth: finds the token in an upgrade request, verifies its signature, issuer,
 * audience and time claims, and maps its claims. A route whose keys come from a JWKS URL verifies
 * on threads of its own, so that a slow JWKS server delays only that route's handshakes.
 */
public final class TokenAuth {
    /** Handshakes of one JWKS route waiting for a verifier thread; more are refused with 503. */
    static final int MAX_QUEUED = 1024;

    /** The close code of a connection whose token expired. */
    public static final int TOKEN_EXPIRED_CODE = 4401;

    /** How a connection whose token expired is closed: 4401 {@code token expired}. */
    public static final CloseCause TOKEN_EXPIRED = new CloseCause(TOKEN_EXPIRED_CODE, "token expired", ClosedBy.SERVER);

    private static final int JWKS_THREADS = 2;

    private final AuthConfig config;
    private final TokenSources sources;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final @Nullable Executor jwksExecutor;

    private TokenAuth(AuthConfig config) {
        this.config = config;
        this.sources = new TokenSources(config);
        Set<JWSAlgorithm> algorithms =
                config.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toSet());
        processor.setJWSKeySelector(EdDsaSupport.keySelector(algorithms, KeySources.of(config)));
        processor.setJWSVerifierFactory(EdDsaSupport.verifierFactory());
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                config.audience() == null ? null : Set.of(config.audience()),
                config.issuer() == null
                        ? new JWTClaimsSet.Builder().build()
                        : new JWTClaimsSet.Builder().issuer(config.issuer()).build(),
                new HashSet<>(List.of(config.userIdClaim())),
                null);
        claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        this.jwksExecutor = config.jwksUrl() == null ? null : jwksExecutor();
    }

    /** The token auth of a route with {@code config}; throws a config error for an unreadable key. */
    public static TokenAuth of(AuthConfig config) {
        return new TokenAuth(config);
    }

    /** The route's settings. */
    public AuthConfig config() {
        return config;
    }

    /**
     * Verifies the token {@code request} carries. Completes with the token's identity, or
     * exceptionally with a {@link SwitchboardException}: 4012 for a missing, bad or expired
     * token, 4013 for one longer than {@code max-token-bytes}, 5031 when the route's verifier
     * threads are all busy. Completes on the caller's thread unless keys come from a JWKS URL.
     */
    public CompletionStage<VerifiedToken> verify(HttpRequest request) {
        String token;
        try {
            token = sources.find(request);
        } catch (SwitchboardException e) {
            return CompletableFuture.failedFuture(e);
        }
        return verifyAsync(token);
    }

    /**
     * Verifies a refreshed token of a connection whose first token named {@code userId}: exactly
     * as a token at connect (signature, issuer, audience, time claims, size), and it must name
     * the same user. Fails with 4012 (also for another user) or 4013, as {@link #verify} does.
     */
    public CompletionStage<VerifiedToken> verifyRefresh(String token, String userId) {
        int bytes = token.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > config.maxTokenBytes()) {
            return CompletableFuture.failedFuture(new SwitchboardException(
                    ErrorCode.TOKEN_TOO_LARGE,
                    "token of " + bytes + " bytes is longer than auth.max-token-bytes (" + config.maxTokenBytes()
                            + ")"));
        }
        return verifyAsync(token).thenApply(verified -> {
            if (!verified.userId().equals(userId)) {
                throw invalid("it names another user than the connection's token did");
            }
            return verified;
        });
    }

    private CompletionStage<VerifiedToken> verifyAsync(String token) {
        if (jwksExecutor == null) {
            try {
                return CompletableFuture.completedFuture(verify(token));
            } catch (SwitchboardException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        try {
            return CompletableFuture.supplyAsync(() -> verify(token), jwksExecutor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new SwitchboardException(
                    ErrorCode.UNAVAILABLE, "too many handshakes waiting for token verification"));
        }
    }

    /**
     * Runs {@code then} on {@code loop} with the verified token of {@code request}, or with null
     * when the route has no token auth; runs {@code refuse} there instead when the token is refused.
     */
    public static void verifyThen(
            @Nullable TokenAuth auth,
            HttpRequest request,
            Executor loop,
            Consumer<SwitchboardException> refuse,
            Consumer<@Nullable VerifiedToken> then) {
        if (auth == null) {
            then.accept(null);
            return;
        }
        auth.verify(request)
                .whenComplete((token, error) -> loop.execute(() -> {
                    if (error == null) {
                        then.accept(token);
                    } else {
                        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                        // the refusal is logged with the request's URI: a token in the query stays out of the log
                        request.setUri(new QueryStringDecoder(request.uri()).rawPath());
                        refuse.accept(
                                cause instanceof SwitchboardException refusal
                                        ? refusal
                                        : invalid("token cannot be verified: " + cause));
                    }
                }));
    }

    /**
     * {@code accept} completed with what {@code token} gives: the answer's {@code userId} and
     * {@code context} win over the token's; the token's groups are joined as well as the answer's.
     */
    public static RegistrationDecision.Accept withToken(
            RegistrationDecision.Accept accept, @Nullable VerifiedToken token) {
        if (token == null) {
            return accept;
        }
        List<String> groups = new ArrayList<>(token.groups());
        groups.addAll(accept.groups());
        return new RegistrationDecision.Accept(
                accept.subprotocol(),
                accept.permessageDeflate(),
                accept.context() != null ? accept.context() : token.context(),
                groups,
                accept.userId() != null ? accept.userId() : token.userId());
    }

    /** True when a {@code Sec-WebSocket-Protocol} entry carries a token and must not be chosen. */
    public boolean isTokenEntry(String subprotocol) {
        return sources.isTokenEntry(subprotocol);
    }

    private VerifiedToken verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw invalid("malformed token");
        } catch (BadJOSEException e) {
            throw invalid(e.getMessage());
        } catch (JOSEException e) {
            throw invalid("token cannot be verified: " + e.getMessage());
        }
        return identity(claims);
    }

    private VerifiedToken identity(JWTClaimsSet claims) {
        ObjectNode all = Json.mapper().valueToTree(claims.toJSONObject());
        JsonNode user = all.get(config.userIdClaim());
        if (user == null || !user.isTextual() || user.asText().isEmpty()) {
            throw invalid("claim " + config.userIdClaim() + " is not a non-empty string");
        }
        ObjectNode context = null;
        if (config.contextClaim() != null && all.get(config.contextClaim()) != null) {
            if (!(all.get(config.contextClaim()) instanceof ObjectNode object)) {
                throw invalid("claim " + config.contextClaim() + " is not an object");
            }
            context = object;
        }
        List<String> groups = new ArrayList<>();
        JsonNode groupsClaim = config.groupsClaim() == null ? null : all.get(config.groupsClaim());
        if (groupsClaim != null) {
            if (!groupsClaim.isArray()) {
                throw invalid("claim " + config.groupsClaim() + " is not a list of group names");
            }
            for (JsonNode group : groupsClaim) {
                try {
                    groups.add(GroupNames.validate(group.asText(), config.groupsClaim() + "[" + groups.size() + "]"));
                } catch (SwitchboardException e) {
                    throw invalid("claim " + e.getMessage());
                }
            }
        }
        Instant expiresAt = claims.getExpirationTime() == null
                ? null
                : claims.getExpirationTime().toInstant();
        return new VerifiedToken(user.asText(), all, context, groups, expiresAt);
    }

    private static SwitchboardException invalid(String why) {
        return new SwitchboardException(ErrorCode.TOKEN_INVALID, "invalid token: " + why);
    }

    private static Executor jwksExecutor() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(
                JWKS_THREADS, JWKS_THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_QUEUED), runnable -> {
                    Thread thread = new Thread(runnable, "switchboard-jwks");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
