package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A browser's request for /favicon.ico, made with every page view. */
class FaviconTest {
    @Test
    void faviconAnswersNotFoundWithoutARefusedHandshakeInTheLog() throws Exception {
        try (TestGateway gateway =
                        TestGateway.start(RouteConfig.builder("/chat").build());
                LogCapture log = LogCapture.attach()) {
            URI favicon = URI.create(gateway.ws("/favicon.ico").toString().replaceFirst("^ws", "http"));
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(favicon).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(log.lines()).noneMatch(line -> line.contains("refused"));
        }
    }
}
