package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium: it asks for the push token once, shows the open
 * connections change as clients come, finds one in the table and kicks it, and the client sees
 * the close. A screenshot of the page goes to {@code target/screenshots/}.
 */
class DashboardBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path profiles;

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;
    private ChromeDriver browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve("dashboard.png"), browser.getScreenshotAs(OutputType.BYTES));
            browser.quit();
        }
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    @Test
    void dashboardCountsConnectionsFindsOneAndKicksIt() throws Exception {
        gateway = TestGateway.start(GatewayConfig.builder()
                .push(PushConfig.defaults().withToken("dash-token"))
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
        browser = HeadlessChromium.start(profiles.resolve("dashboard"));
        WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
        browser.get(gateway.pushUri("/dashboard").toString());

        // without the token the page says so; given once, it goes live
        wait.until(d -> d.findElement(By.id("status")).getText().contains("token"));
        browser.findElement(By.id("token")).sendKeys("dash-token");
        browser.findElement(By.id("save-token")).click();
        wait.until(d -> d.findElement(By.id("status")).getText().startsWith("live"));
        wait.until(d -> d.findElement(By.id("open-connections")).getText().equals("0"));

        WsClient first = WsClient.open(gateway.ws("/chat"));
        WsClient second = WsClient.open(gateway.ws("/chat"));
        String secondId = functions
                .received("/register")
                .get(1)
                .at("/websocket/secConnectionID")
                .asText();
        wait.until(d -> d.findElement(By.id("open-connections")).getText().equals("2"));

        browser.findElement(By.id("search")).sendKeys(secondId.substring(secondId.length() - 8));
        By row = By.cssSelector("#connections tbody tr[data-id='" + secondId + "']");
        wait.until(d -> d.findElements(row).size() == 1
                && d.findElements(By.cssSelector("#connections tbody tr")).size() == 1);
        browser.findElement(row).findElement(By.cssSelector("button.kick")).click();

        WsClient.Closed closed = second.awaitClose(WAIT);
        assertThat(closed.code()).isEqualTo(1000);
        assertThat(closed.reason()).isEqualTo("closed by admin");
        wait.until(d -> d.findElement(By.id("open-connections")).getText().equals("1"));
        wait.until(d ->
                d.findElement(By.cssSelector("#disconnects tbody")).getText().contains("admin"));
        assertThat(first.isOpen()).isTrue();
        first.close();
    }
}
