package dev.switchboard.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionTargetTest {
    @Test
    void httpUrlWithPortAndPath() {
        FunctionTarget.Http http = (FunctionTarget.Http) FunctionTarget.parse("http://127.0.0.1:9000/transfer");

        assertThat(http.uri().getHost()).isEqualTo("127.0.0.1");
        assertThat(http.port()).isEqualTo(9000);
        assertThat(http.secure()).isFalse();
        assertThat(http.pathAndQuery()).isEqualTo("/transfer");
        assertThat(http.spec()).isEqualTo("http://127.0.0.1:9000/transfer");
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource({
        "http://example.com/f, 80, false",
        "https://example.com/f, 443, true",
        "http://example.com:8443/f, 8443, false",
        "https://example.com:9443/f, 9443, true",
    })
    void portDefaultsToTheSchemes(String spec, int port, boolean secure) {
        FunctionTarget.Http http = (FunctionTarget.Http) FunctionTarget.parse(spec);

        assertThat(http.port()).isEqualTo(port);
        assertThat(http.secure()).isEqualTo(secure);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource({
        "http://example.com, /",
        "http://example.com/, /",
        "http://example.com?x=1, /?x=1",
        "http://example.com/a/b, /a/b",
        "http://example.com/a/b?x=1&y=2, /a/b?x=1&y=2",
        "http://example.com/a%20b?q=%C3%A9, /a%20b?q=%C3%A9",
        "http://example.com/scf#fragment, /scf",
    })
    void pathAndQueryIsWhatIsRequested(String spec, String pathAndQuery) {
        FunctionTarget.Http http = (FunctionTarget.Http) FunctionTarget.parse(spec);

        assertThat(http.pathAndQuery()).isEqualTo(pathAndQuery);
    }

    @Test
    void ipv6Host() {
        FunctionTarget.Http http = (FunctionTarget.Http) FunctionTarget.parse("http://[::1]:9000/f");

        assertThat(http.port()).isEqualTo(9000);
        assertThat(http.uri().getHost()).isEqualTo("[::1]");
    }

    @Test
    void javaTarget() {
        FunctionTarget target = FunctionTarget.parse("java:com.example.ChatFunctions#transfer");

        assertThat(target).isEqualTo(new FunctionTarget.Java("com.example.ChatFunctions", "transfer"));
        assertThat(target.spec()).isEqualTo("java:com.example.ChatFunctions#transfer");
    }

    @Test
    void javaTargetInTheDefaultPackageOrWithNestedNames() {
        assertThat(FunctionTarget.parse("java:Chat#onMessage")).isEqualTo(new FunctionTarget.Java("Chat", "onMessage"));
        assertThat(FunctionTarget.parse("java:a.b.C$Inner#_m1"))
                .isEqualTo(new FunctionTarget.Java("a.b.C$Inner", "_m1"));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "java:com.example.Chat",
                "java:com.example.Chat#",
                "java:#transfer",
                "java:com..Chat#transfer",
                "java:com.example.Chat.#transfer",
                "java:1com.Chat#transfer",
                "java:com.example.Chat#trans-fer",
                "java:com.example.Chat#a#b",
                "java: com.example.Chat#transfer",
            })
    void rejectsMalformedJavaTargets(String spec) {
        assertThatThrownBy(() -> FunctionTarget.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + spec + "' (expected: java:fully.qualified.Class#method)");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "",
                "ftp://example.com/f",
                "ws://example.com/f",
                "127.0.0.1:9000/transfer",
                "com.example.Chat#transfer",
            })
    void rejectsOtherForms(String spec) {
        assertThatThrownBy(() -> FunctionTarget.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + spec + "' (expected: " + FunctionTarget.EXPECTED + ")");
    }

    @Test
    void rejectsUrlsWithoutHost() {
        assertThatThrownBy(() -> FunctionTarget.parse("http:///transfer"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'http:///transfer' has no host (expected: " + FunctionTarget.EXPECTED + ")");
        assertThatThrownBy(() -> FunctionTarget.parse("https://"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'https://' ");
    }

    @Test
    void rejectsInvalidUrls() {
        assertThatThrownBy(() -> FunctionTarget.parse("http://exa mple.com/f"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'http://exa mple.com/f' is not a valid URL: ");
    }

    @ParameterizedTest(name = "port {1}")
    @CsvSource({"http://example.com:99999/f, 99999", "https://example.com:65536/f, 65536", "http://example.com:0/f, 0"})
    void rejectsPortsOutOfRange(String spec, int port) {
        assertThatThrownBy(() -> FunctionTarget.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + spec + "' has port " + port + " (expected: 1-65535)");
    }

    @Test
    void highestPortIsAccepted() {
        assertThat(((FunctionTarget.Http) FunctionTarget.parse("http://example.com:65535/f")).port())
                .isEqualTo(65535);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"python:", "node::main_handler", "python:file.py:not-a-name"})
    void rejectsProcessTargetsWithoutFileOrWithABadHandler(String spec) {
        assertThatThrownBy(() -> FunctionTarget.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + spec + "'")
                .hasMessageContaining("file[:handler]");
    }

    @Test
    void processTargetsDefaultToMainHandler() {
        assertThat(FunctionTarget.parse("python:functions/transfer.py"))
                .isEqualTo(new FunctionTarget.Process(
                        FunctionTarget.Language.PYTHON, "functions/transfer.py", "main_handler"));
        assertThat(FunctionTarget.parse("node:/srv/chat.js:onMessage"))
                .isEqualTo(new FunctionTarget.Process(FunctionTarget.Language.NODE, "/srv/chat.js", "onMessage"));
        assertThat(FunctionTarget.parse("node:/srv/chat.js:onMessage").spec()).isEqualTo("node:/srv/chat.js:onMessage");
        assertThat(FunctionTarget.parse("python:a.py").spec()).isEqualTo("python:a.py");
    }
}
