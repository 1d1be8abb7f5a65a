package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloseCauseTest {
    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 3000, 3999, 4000, 4999})
    void codesAllowedInACloseFrame(int code) {
        assertThat(CloseCause.isSendable(code)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void codesNeverSentInACloseFrame(int code) {
        assertThat(CloseCause.isSendable(code)).isFalse();
    }

    @Test
    void namedConstantsThatDescribeAClosedSocketAreNotSendable() {
        assertThat(CloseCause.isSendable(CloseCause.NO_STATUS)).isFalse();
        assertThat(CloseCause.isSendable(CloseCause.ABNORMAL)).isFalse();
        assertThat(CloseCause.isSendable(CloseCause.MESSAGE_TOO_BIG)).isTrue();
        assertThat(CloseCause.isSendable(CloseCause.TRY_AGAIN_LATER)).isTrue();
    }

    @Test
    void closedByWireNamesAreTheDesignsList() {
        assertThat(Arrays.stream(ClosedBy.values()).map(ClosedBy::wireName))
                .containsExactly(
                        "client",
                        "server",
                        "push",
                        "admin",
                        "idle-timeout",
                        "max-lifetime",
                        "transfer-error",
                        "slow-consumer",
                        "shutdown",
                        "node-lost");
    }
}
