package dev.switchboard.core.push;

import com.fasterxml.jackson.databind.node.TextNode;
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
                    field + ": " + quoted(name) + " (expected: 1–" + MAX_LENGTH
                            + " characters of A-Z a-z 0-9 _ . : @ / -)");
        }
        return name;
    }

    /** The name as a JSON string (control characters escaped), cut after 40 characters. */
    private static String quoted(String name) {
        String cut = name.length() > 40 ? name.substring(0, 40) + "…" : name;
        return TextNode.valueOf(cut).toString();
    }
}
