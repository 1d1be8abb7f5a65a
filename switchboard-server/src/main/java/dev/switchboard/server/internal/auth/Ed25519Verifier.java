package dev.switchboard.server.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Set;

/**
 * Verifies {@code EdDSA} (Ed25519) signatures with the JDK's own {@code Signature("Ed25519")}
 * (Java 15 and later). nimbus's {@code Ed25519Verifier} needs Google Tink, a library of 2 MB and
 * its own dependencies that the gateway does not otherwise need; the JDK's implementation is the
 * one nimbus would call for every other algorithm, so no crypto is written here, only the
 * adapter. A header with {@code crit} parameters is refused: none is understood.
 */
final class Ed25519Verifier implements JWSVerifier {
    private final PublicKey key;
    private final JCAContext context = new JCAContext();

    Ed25519Verifier(PublicKey key) {
        this.key = key;
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return context;
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
                || (header.getCriticalParams() != null
                        && !header.getCriticalParams().isEmpty())) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(signature.decode());
        } catch (SignatureException e) {
            return false; // a signature of the wrong length or form is simply not valid
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 signature cannot be checked: " + e.getMessage(), e);
        }
    }
}
