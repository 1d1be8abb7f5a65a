package dev.switchboard.core.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in config text with environment values,
 * before the YAML is parsed. As in a POSIX shell, the default applies when the variable is unset
 * or empty. {@code $${…}} is left as a literal {@code ${…}}.
 */
final class EnvSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$?\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private EnvSubstitution() {}

    /**
     * Substitutes every reference.
     *
     * @throws ConfigException naming the variable and line when one is unset and has no default
     */
    static String apply(String text, Map<String, String> env) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String replacement;
            if (m.group().startsWith("$$")) {
                replacement = m.group().substring(1);
            } else {
                String value = env.get(m.group(1));
                // as in POSIX shells and Compose, ":-" also applies when the variable is set but empty
                if (value != null && !(value.isEmpty() && m.group(2) != null)) {
                    replacement = value;
                } else if (m.group(2) != null) {
                    replacement = m.group(3);
                } else {
                    throw new ConfigException("line " + lineOf(text, m.start()) + ": ${" + m.group(1)
                            + "} is not set (expected: the variable set, or a default as ${" + m.group(1)
                            + ":-value})");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
