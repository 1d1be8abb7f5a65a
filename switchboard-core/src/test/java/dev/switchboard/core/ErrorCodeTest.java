package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorCodeTest {
    /** The push API error table of docs/events-and-push.md. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "BODY_NOT_JSON, 400, 4000",
        "INVALID_FIELD, 400, 4001",
        "UNKNOWN_ACTION, 400, 4002",
        "INVALID_BASE64, 400, 4003",
        "UNAUTHORIZED, 401, 4010",
        "CONNECTION_GONE, 410, 4100",
        "BODY_TOO_LARGE, 413, 4130",
        "BUFFER_FULL, 429, 4290",
        "BACKPLANE_UNAVAILABLE, 503, 5030",
    })
    void pushErrorsAnswerAsTheDesignSays(ErrorCode code, int httpStatus, int errNo) {
        assertThat(code.httpStatus()).isEqualTo(httpStatus);
        assertThat(code.errNo()).isEqualTo(errNo);
    }

    @Test
    void refusedHandshakesAnswer403ByDefault() {
        assertThat(ErrorCode.REFUSED.httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.REGISTRATION_FAILED.httpStatus()).isEqualTo(403);
    }

    @Test
    void everyErrNoIsDistinct() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::errNo)).doesNotHaveDuplicates();
    }

    @Test
    void exceptionCarriesItsCode() {
        SwitchboardException e = new SwitchboardException(ErrorCode.INVALID_FIELD, "websocket.data: missing");

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(e).hasMessage("websocket.data: missing");
    }
}
