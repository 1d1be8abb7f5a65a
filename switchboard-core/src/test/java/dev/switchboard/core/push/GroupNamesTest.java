package dev.switchboard.core.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import org.junit.jupiter.api.Test;

class GroupNamesTest {
    @Test
    void returnsAValidName() {
        assertThat(GroupNames.validate("room:42/a_b-c.d@x", "group")).isEqualTo("room:42/a_b-c.d@x");
    }

    @Test
    void errorNamesTheFieldTheNameCameFrom() {
        assertThatThrownBy(() -> GroupNames.validate("no spaces", "groups[3]"))
                .isInstanceOfSatisfying(
                        SwitchboardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD))
                .hasMessage("groups[3]: \"no spaces\" (expected: 1–128 characters of A-Z a-z 0-9 _ . : @ / -)");
    }

    @Test
    void lengthLimit() {
        assertThat(GroupNames.validate("g".repeat(GroupNames.MAX_LENGTH), "group"))
                .hasSize(128);
        assertThatThrownBy(() -> GroupNames.validate("g".repeat(GroupNames.MAX_LENGTH + 1), "group"))
                .isInstanceOf(SwitchboardException.class);
        assertThatThrownBy(() -> GroupNames.validate("", "group")).isInstanceOf(SwitchboardException.class);
    }
}
