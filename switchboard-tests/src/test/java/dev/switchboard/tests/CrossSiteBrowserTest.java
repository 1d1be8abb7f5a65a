package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A push listener without a token, seen from a real headless Chromium on the same host: a page
 * of another site that pushes with {@code fetch(…, {mode: 'no-cors'})} reaches no client, while
 * the dashboard, served by the listener itself, still kicks a connection.
 */
class CrossSiteBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path profiles;

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;
    private HttpServer otherSite;
    private ChromeDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (otherSite != null) {
            otherSite.stop(0);
        }
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    @Test
    void anotherSiteCannotPushButTheDashboardStillKicks() throws Exception {
        gateway = TestGateway.start(GatewayConfig.builder()
                .push(PushConfig.defaults())
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = functions
                .received("/register")
                .get(0)
                .at("/websocket/secConnectionID")
                .asText();
        servePage("""
                <!doctype html><script>
                fetch("%s", {method: "POST", mode: "no-cors", body: JSON.stringify(%s)})
                  .then(() => document.title = "sent", () => document.title = "failed");
                </script>
                """.formatted(gateway.pushUri("/push"), TestGateway.sendText(id, "from another site")));
        browser = HeadlessChromium.start(profiles.resolve("cross-site"));
        WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));

        browser.get("http://127.0.0.1:" + otherSite.getAddress().getPort() + "/");
        wait.until(d -> d.getTitle().equals("sent"));
        // the page's request has been answered (opaquely); a message would be on its way by now
        assertThat(client.poll(Duration.ofSeconds(1))).isNull();

        browser.get(gateway.pushUri("/dashboard").toString());
        wait.until(d -> d.findElement(By.id("status")).getText().startsWith("live"));
        By row = By.cssSelector("#connections tbody tr[data-id='" + id + "']");
        // the table is redrawn with every refresh: click whichever row is current
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(row).findElement(By.cssSelector("button.kick")).click();
            return true;
        });

        WsClient.Closed closed = client.awaitClose(WAIT);
        assertThat(closed.code()).isEqualTo(1000);
        assertThat(closed.reason()).isEqualTo("closed by admin");
    }

    private void servePage(String html) throws Exception {
        otherSite = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        otherSite.createContext("/", exchange -> {
            byte[] body = html.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        otherSite.start();
    }
}
