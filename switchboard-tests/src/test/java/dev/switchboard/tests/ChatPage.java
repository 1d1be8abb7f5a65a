package dev.switchboard.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo's chat page in its own headless Debian Chromium, driven through chromedriver as a
 * person would use it: type a nickname, join, send, read.
 */
final class ChatPage implements AutoCloseable {
    private final String name;
    private final ChromeDriver driver;
    private final WebDriverWait wait;
    private boolean closed;

    private ChatPage(String name, ChromeDriver driver, Duration timeout) {
        this.name = name;
        this.driver = driver;
        this.wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
    }

    /** A fresh browser (its own profile under {@code profiles}) showing {@code url}. */
    static ChatPage open(String name, String url, Path profiles, Duration timeout) throws IOException {
        ChromeDriver driver = HeadlessChromium.start(profiles.resolve(name));
        driver.get(url);
        return new ChatPage(name, driver, timeout);
    }

    String name() {
        return name;
    }

    /** Types the nickname and room and presses Join. */
    ChatPage join(String nick, String room) {
        type(By.id("nick"), nick);
        type(By.id("room"), room);
        driver.findElement(By.id("join-button")).click();
        return this;
    }

    /** Types a message and presses Send, once the page is online. */
    ChatPage say(String text) {
        awaitStatus("online");
        type(By.id("text"), text);
        driver.findElement(By.id("send")).click();
        return this;
    }

    /** Types a message and presses Send at once, whatever the page's state (e.g. while reconnecting). */
    ChatPage sayNow(String text) {
        type(By.id("text"), text);
        driver.findElement(By.id("send")).click();
        return this;
    }

    /** The texts of the rendered messages from {@code nick}, theirs or not, in order. */
    List<String> messagesFrom(String nick, boolean mine) {
        return driver.findElements(By.cssSelector("#messages li.message")).stream()
                .filter(item ->
                        nick.equals(item.findElement(By.className("nick")).getText())
                                && mine == item.getAttribute("class").contains("mine"))
                .map(item -> item.findElement(By.className("text")).getText())
                .toList();
    }

    /** The messages typed while reconnecting that the page shows as waiting, in order. */
    List<String> pending() {
        return driver.findElements(By.cssSelector("#messages li.pending > span:first-child")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** The texts of the rendered notices of {@code kind} (join, leave, ...), in order. */
    List<String> notices(String kind) {
        return driver.findElements(By.cssSelector("#messages li.notice")).stream()
                .filter(item -> kind.equals(item.getAttribute("data-kind")))
                .map(WebElement::getText)
                .toList();
    }

    /** Waits until the status shows {@code state} (online, connecting, reconnecting, offline). */
    ChatPage awaitStatus(String state) {
        wait.withMessage(() -> name + ": status '" + state + "', page shows '" + status() + "'")
                .until(d -> state.equals(d.findElement(By.id("status")).getAttribute("data-state")));
        return this;
    }

    /** Waits for a rendered message from {@code nick} saying {@code text}. */
    ChatPage awaitMessage(String nick, String text, boolean mine) {
        wait.withMessage(() -> name + ": message '" + nick + ": " + text + "'; page shows " + lines())
                .until(d -> d.findElements(By.cssSelector("#messages li.message")).stream()
                        .anyMatch(item -> nick.equals(
                                        item.findElement(By.className("nick")).getText())
                                && text.equals(
                                        item.findElement(By.className("text")).getText())
                                && mine == item.getAttribute("class").contains("mine")));
        return this;
    }

    /** Waits for a notice (join, leave, ...) reading {@code text}. */
    ChatPage awaitNotice(String kind, String text) {
        wait.withMessage(() -> name + ": " + kind + " notice '" + text + "'; page shows " + lines())
                .until(d -> d.findElements(By.cssSelector("#messages li.notice")).stream()
                        .anyMatch(item -> kind.equals(item.getAttribute("data-kind"))
                                && item.getText().startsWith(text)));
        return this;
    }

    /** Waits until the room's list of people reads exactly {@code nicks}, in order. */
    ChatPage awaitPeople(String... nicks) {
        List<String> expected = List.of(nicks);
        wait.withMessage(() -> name + ": people " + expected + "; page shows " + people())
                .until(d -> people().equals(expected));
        return this;
    }

    /** The names in the room's list of people, as rendered. */
    List<String> people() {
        return driver.findElements(By.cssSelector("#people li")).stream()
                .map(WebElement::getText)
                .toList();
    }

    String status() {
        return driver.findElement(By.id("status")).getText();
    }

    /** Every line of the conversation as rendered. */
    List<String> lines() {
        return driver.findElements(By.cssSelector("#messages li")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** Saves a PNG of the page to {@code file}; best effort, for failure reports. */
    void screenshot(Path file) {
        if (closed) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException | RuntimeException e) {
            System.err.println("no screenshot of " + name + ": " + e);
        }
    }

    private void type(By field, String text) {
        WebElement element = driver.findElement(field);
        element.clear();
        element.sendKeys(text);
    }

    /** Closes the browser, as a person closing the window. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            driver.quit();
        }
    }
}
