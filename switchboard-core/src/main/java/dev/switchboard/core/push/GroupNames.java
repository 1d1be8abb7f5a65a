package dev.switchboard.core.push;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import java.util.regex.Pattern;

/** The rule for group names, checked wherever a name enters the gateway. */
public final class GroupNames {
    /** Longest group name accepted. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:@/-]{1," + MAX_LENGTH + "}");

    private GroupNames() {}

    /**
     * Returns {@code name} when it is a valid group name.
     *
     * @param field the field it came from, for the error message
     * @throws SwitchboardException with {@link ErrorCode#INVALID_FIELD} otherwise
     */
    public static String validate(String name, String field) {
        if (!VALID.matcher(name).matches()) {
            throw new SwitchboardException(
                    ErrorCode.INVALID_FIELD,
                    field + ": \"" + abbreviate(name) + "\" (expected: 1–" + MAX_LENGTH
                            + " characters of A-Z a-z 0-9 _ . : @ / -)");
        }
        return name;
    }

    private static String abbreviate(String name) {
        return name.length() > 40 ? name.substring(0, 40) + "…" : name;
    }
}
