package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.config.TlsConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss://} with certificates made at test time: real TLS clients, the certificate swapped
 * on reload (the SIGHUP path) and on a file change, open connections untouched by either.
 */
class TlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final FunctionTarget ECHO =
            FunctionTarget.parse("java:dev.switchboard.runtimes.java.builtin.Echo#transfer");

    @TempDir
    Path folder;

    private Path cert;
    private Path key;
    private TestCertificates.Issued first;
    private TestGateway gateway;

    @BeforeEach
    void writeFirstCertificate() {
        cert = folder.resolve("cert.pem");
        key = folder.resolve("key.pem");
        first = TestCertificates.issue("first");
        first.writeTo(cert, key);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private void startGateway(Duration watchInterval) {
        gateway = TestGateway.start(GatewayConfig.builder()
                .route(RouteConfig.builder("/echo").transfer(ECHO).build())
                .tls(new TlsConfig(cert, key, watchInterval)));
    }

    private WsClient connect(X509Certificate... trusted) {
        return WsClient.to(gateway.wss("/echo")).trust(trusted).open();
    }

    private static void assertEchoes(WsClient client, String text) {
        client.sendText(text);
        assertThat(client.next(WAIT).text()).isEqualTo(text);
    }

    @Test
    void aWssClientGetsTheConfiguredCertificateAndExchangesMessages() {
        startGateway(TlsConfig.DEFAULT_WATCH_INTERVAL);

        try (WsClient client = connect(first.certificate())) {
            assertThat(client.peerCertificate()).isEqualTo(first.certificate());
            assertEchoes(client, "over tls");
        }
    }

    @Test
    void aReloadGivesNewConnectionsTheNewCertificateWhileOpenOnesKeepTalking() {
        startGateway(Duration.ofHours(1)); // only the explicit reload, as on SIGHUP
        TestCertificates.Issued second = TestCertificates.issue("second");
        try (WsClient old = connect(first.certificate())) {
            second.writeTo(cert, key);

            assertThat(gateway.gateway().reloadCertificates()).isTrue();

            try (WsClient fresh = connect(first.certificate(), second.certificate())) {
                assertThat(fresh.peerCertificate()).isEqualTo(second.certificate());
                assertEchoes(fresh, "new certificate");
            }
            assertThat(old.isOpen()).isTrue();
            assertThat(old.peerCertificate()).isEqualTo(first.certificate());
            for (int i = 0; i < 20; i++) {
                assertEchoes(old, "still here " + i);
            }
        }
    }

    @Test
    void changedFilesAreReloadedWithoutASignal() {
        startGateway(Duration.ofMillis(50));
        TestCertificates.Issued second = TestCertificates.issue("second");
        try (WsClient old = connect(first.certificate())) {
            second.writeTo(cert, key);

            await().atMost(WAIT).untilAsserted(() -> {
                try (WsClient fresh = connect(first.certificate(), second.certificate())) {
                    assertThat(fresh.peerCertificate()).isEqualTo(second.certificate());
                }
            });
            assertEchoes(old, "the first certificate's connection still talks");
        }
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsRefusedAndTheCurrentOneStays() {
        startGateway(Duration.ofHours(1));
        TestCertificates.Issued second = TestCertificates.issue("second");
        second.writeCertificateTo(cert); // the key file still holds the first certificate's key

        try (LogCapture logs = LogCapture.attach()) {
            assertThat(gateway.gateway().reloadCertificates()).isFalse();
            assertThat(logs.lines())
                    .anySatisfy(line -> assertThat(line)
                            .contains("tls: not reloaded, still serving the previous certificate")
                            .contains("does not belong to the certificate"));
        }
        try (WsClient client = connect(first.certificate())) {
            assertThat(client.peerCertificate()).isEqualTo(first.certificate());
            assertEchoes(client, "served with the first certificate");
        }
    }

    @Test
    void aCertificateThatCannotBeReadStopsTheStartNamingTheKey() {
        Path missing = folder.resolve("missing.pem");

        assertThatThrownBy(() -> TestGateway.start(GatewayConfig.builder()
                        .route(RouteConfig.builder("/echo").transfer(ECHO).build())
                        .tls(new TlsConfig(missing, key))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tls: cert: " + missing + " cannot be read (no such file)");
    }

    @Test
    void aKeyFromAnotherCertificateStopsTheStart() {
        TestCertificates.issue("other").writeCertificateTo(cert);

        assertThatThrownBy(() -> startGateway(Duration.ofHours(1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls: key: " + key + " does not belong to the certificate in " + cert);
    }

    @Test
    void thePushListenerServesHttpsWithItsOwnCertificate() throws Exception {
        Path pushCert = folder.resolve("push-cert.pem");
        Path pushKey = folder.resolve("push-key.pem");
        TestCertificates.Issued push = TestCertificates.issue("push");
        push.writeTo(pushCert, pushKey);
        GatewayConfig.Builder builder = GatewayConfig.builder()
                .route(RouteConfig.builder("/echo").transfer(ECHO).build());
        GatewayConfig draft = builder.build();
        gateway = TestGateway.start(builder.push(draft.push().withTls(new TlsConfig(pushCert, pushKey))));

        HttpClient https =
                HttpClient.newBuilder().sslContext(trusting(push.certificate())).build();
        URI uri = URI.create(
                "https://127.0.0.1:" + gateway.gateway().pushAddress().getPort() + "/push");
        HttpResponse<String> response = https.send(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(TestGateway.sendText("test.nobody", "hi")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(410);
        assertThat(response.body()).contains("\"errNo\":4100");
        assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(push.certificate());
    }

    private static SSLContext trusting(X509Certificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("push", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
