package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.model.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteSelectorTest {
    private static String select(String expression, String body) {
        return RouteSelector.parse(expression).select(Message.text(body)).orElse(null);
    }

    @Test
    void bodyFieldSelectsItsValue() {
        assertThat(select("$request.body.action", "{\"action\":\"sendmessage\"}"))
                .isEqualTo("sendmessage");
        assertThat(select("$request.body.a.b", "{\"a\":{\"b\":\"deep\"}}")).isEqualTo("deep");
        assertThat(select("$request.body.n", "{\"n\":7}")).isEqualTo("7");
    }

    @Test
    void templatesJoinFieldsAndLiterals() {
        assertThat(select(
                        "${request.body.service}/${request.body.action}", "{\"service\":\"chat\",\"action\":\"send\"}"))
                .isEqualTo("chat/send");
        assertThat(select("v1-${request.body.action}", "{\"action\":\"x\"}")).isEqualTo("v1-x");
    }

    @Test
    void nothingIsSelectedFromWhatCannotBeEvaluated() {
        assertThat(select("$request.body.action", "not json")).isNull();
        assertThat(select("$request.body.action", "[1,2]")).isNull();
        assertThat(select("$request.body.action", "{\"other\":1}")).isNull();
        assertThat(select("$request.body.action", "{\"action\":{\"nested\":1}}"))
                .isNull();
        assertThat(select("$request.body.action", "{\"action\":null}")).isNull();
        assertThat(select("${request.body.a}/${request.body.b}", "{\"a\":\"x\"}"))
                .isNull();
        assertThat(RouteSelector.parse("$request.body.action").select(Message.binary(new byte[] {'{', '}'})))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "action",
                "$request.header.x",
                "$request.body.",
                "${request.body.a",
                "literal only",
                "${context.routeKey}",
                "$request.body.a..b"
            })
    void invalidExpressionsAreRefused(String expression) {
        assertThatThrownBy(() -> RouteSelector.parse(expression))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + expression + "' (expected: $request.body.<field>[.<field>...] or a template of"
                        + " ${request.body.<field>} parts)");
    }
}
