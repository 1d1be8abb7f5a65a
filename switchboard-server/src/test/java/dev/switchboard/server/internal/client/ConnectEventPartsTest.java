package dev.switchboard.server.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.BinaryFrames;
import dev.switchboard.core.dialect.Dialect;
import dev.switchboard.core.dialect.aws.AwsDialect;
import dev.switchboard.core.dialect.tencent.TencentDialect;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.ConnectEvent;
import dev.switchboard.core.model.ConnectEvent.Header;
import dev.switchboard.core.model.RequestContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connect event built from {@link ConnectEventParts} is, byte for byte in both dialects, the
 * one the gateway built before it: headers read twice into two maps and every query string run
 * through a {@link QueryStringDecoder}. The reference below is that earlier code.
 */
class ConnectEventPartsTest {
    private static final Instant NOW = Instant.parse("2024-02-09T18:11:43Z");
    private static final RequestContext CONTEXT =
            new RequestContext("svc", "release", "/chat", "127.0.0.1", "req-1", "ua", NOW);
    private static final List<Dialect> DIALECTS = List.of(
            new TencentDialect(TencentDialect.DATA_SEND),
            new AwsDialect(
                    AwsDialectConfig.defaults(),
                    BinaryFrames.CLOSE,
                    () -> "127.0.0.1:8081",
                    Clock.fixed(NOW, ZoneOffset.UTC)));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/chat",
                "/chat?",
                "/chat?token=abc&room=1",
                "/chat?a=1&a=2&b&c=&=d&e=%20f+g;h=i",
                "/chat?x=1#fragment",
                "/chat#fragment?x=1",
                "/ch%61t?q=%E2%82%AC",
                ""
            })
    void theEventIsWrittenAsBefore(String uri) throws IOException {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Host", "gw:8080")
                .add("Upgrade", "websocket")
                .add("X-Multi", "a")
                .add("x-multi", "b")
                .add("X-MULTI", "c")
                .add("User-Agent", "test")
                .add("Sec-WebSocket-Protocol", "chat, superchat")
                .add("X-Empty", "");

        ConnectEvent now = eventFromParts(headers, uri);
        ConnectEvent before = eventAsBefore(headers, uri);

        for (Dialect dialect : DIALECTS) {
            assertThat(write(dialect, now)).isEqualTo(write(dialect, before));
        }
        assertThat(now).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/chat", "/chat#fragment"})
    void aRequestWithoutQueryStringHasAnEmptyQuery(String uri) {
        ConnectEventParts.Query query = ConnectEventParts.query(uri);

        assertThat(query.first()).isEmpty();
        assertThat(query.values()).isEmpty();
    }

    private static ConnectEvent eventFromParts(HttpHeaders headers, String uri) {
        ConnectEventParts.Headers parts = ConnectEventParts.headers(headers);
        ConnectEventParts.Query query = ConnectEventParts.query(uri);
        return new ConnectEvent(
                CONTEXT, "gw.id", parts.joined(), query.first(), "/chat", "chat", null, parts.lines(), query.values());
    }

    private static ConnectEvent eventAsBefore(HttpHeaders headers, String uri) {
        QueryStringDecoder query = new QueryStringDecoder(uri);
        Map<String, String> headerMap = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            headerMap.merge(header.getKey().toLowerCase(Locale.ROOT), header.getValue(), (a, b) -> a + ", " + b);
        }
        List<Header> lines = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : headers) {
            lines.add(new Header(header.getKey(), header.getValue()));
        }
        Map<String, String> queryMap = new LinkedHashMap<>();
        query.parameters().forEach((key, values) -> queryMap.put(key, values.isEmpty() ? "" : values.get(0)));
        return new ConnectEvent(
                CONTEXT, "gw.id", headerMap, queryMap, "/chat", "chat", null, lines, query.parameters());
    }

    private static String write(Dialect dialect, ConnectEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            dialect.eventWriter().write(event, g);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
