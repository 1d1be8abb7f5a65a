package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.dialect.tencent.TencentPushParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * README.md and docs/*.md against the code: their config examples load, their push bodies parse,
 * their error tables and configuration.md's key tables list exactly what the code has. Each
 * failure names the file and line (or the key or errNo) to fix. The markers a doc may put on the
 * line before a code block are explained in docs/configuration.md and docs/events-and-push.md:
 * {@code <!-- fragment -->} (a YAML excerpt, not a whole config) and {@code <!-- push-error N -->}
 * (a push body the API refuses with errNo N).
 */
class DocsTest {
    private static final String FRAGMENT = "fragment";
    private static final Pattern PUSH_ERROR = Pattern.compile("push-error (\\d+)");
    /**
     * {@code --json '…'} (or {@code -d '…'}) of a curl to /push; {@code '$ID'} splices are replaced
     * before this is matched.
     */
    private static final Pattern CURL_PUSH_BODY = Pattern.compile("curl [^\\n]*?/push[^']*(?:--json|-d) '([^']*)'");

    private static final String SAMPLE_ID = "gw-1.AAAAAAAAAAAAAAAAAAAAAA";

    /** Every variable the docs use is set, so that {@code ${X}} substitutes. */
    private static final Map<String, String> ANY_ENV = new AbstractMap<>() {
        @Override
        public String get(Object key) {
            return "set-by-the-test";
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return Set.of();
        }
    };

    @Test
    void everyYamlBlockLoadsOrIsMarkedFragment() {
        List<String> problems = new ArrayList<>();
        for (Path doc : Markdown.docs()) {
            for (Markdown.Block block : Markdown.blocks(doc)) {
                if (!block.language().matches("ya?ml")
                        || block.marker().filter(FRAGMENT::equals).isPresent()) {
                    continue;
                }
                try {
                    ConfigLoader.parse(block.text(), ANY_ENV);
                } catch (ConfigException e) {
                    problems.add(block.where() + ": the YAML block does not load (" + e.getMessage()
                            + "); fix it, or put <!-- fragment --> on the line before it");
                }
            }
        }
        assertThat(problems).as("YAML blocks in the docs").isEmpty();
    }

    @Test
    void everyPushBodyParsesOrFailsAsItsMarkerSays() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path doc : Markdown.docs()) {
            for (Markdown.Block block : Markdown.blocks(doc)) {
                for (String body : pushBodies(block)) {
                    checked++;
                    check(block, body).ifPresent(problems::add);
                }
            }
        }
        assertThat(checked).as("push bodies found in the docs").isGreaterThan(10);
        assertThat(problems).as("push bodies in the docs").isEmpty();
    }

    @Test
    void everyErrNoInTheDocsTablesIsAnErrorCodeAndEveryErrorCodeIsInATable() {
        Map<Integer, ErrorCode> codes =
                Arrays.stream(ErrorCode.values()).collect(Collectors.toMap(ErrorCode::errNo, c -> c));
        List<String> problems = new ArrayList<>();
        Set<Integer> documented = new TreeSet<>();
        for (Path doc : Markdown.docs()) {
            for (Markdown.Row row : Markdown.rows(doc)) {
                int column = row.header().indexOf("errNo");
                if (column < 0
                        || column >= row.cells().size()
                        || !row.cells().get(column).matches("\\d+")) {
                    continue;
                }
                int errNo = Integer.parseInt(row.cells().get(column));
                ErrorCode code = codes.get(errNo);
                if (code == null) {
                    problems.add(row.where() + ": errNo " + errNo + " is not in ErrorCode");
                    continue;
                }
                documented.add(errNo);
                int http = row.header().indexOf("HTTP");
                if (http >= 0
                        && row.cells().get(http).matches("\\d+")
                        && Integer.parseInt(row.cells().get(http)) != code.httpStatus()) {
                    problems.add(row.where() + ": errNo " + errNo + " with HTTP "
                            + row.cells().get(http) + ", but ErrorCode." + code + " answers " + code.httpStatus());
                }
            }
        }
        for (ErrorCode code : ErrorCode.values()) {
            if (!documented.contains(code.errNo())) {
                problems.add("ErrorCode." + code + " (errNo " + code.errNo() + ", HTTP " + code.httpStatus()
                        + ") is in no docs error table (a table with an errNo column in README.md or docs/*.md)");
            }
        }
        assertThat(problems).as("errNo in the docs' error tables").isEmpty();
    }

    @Test
    void configurationMdListsExactlyTheKeysTheLoaderAccepts() {
        Path file = Markdown.ROOT.resolve("docs/configuration.md");
        Map<String, Markdown.Row> documented = documentedKeys(file);
        TreeSet<String> accepted = LoaderKeys.all();
        assertThat(accepted).as("keys found by asking the loader").contains("listen", "routes[].path");
        List<String> problems = new ArrayList<>();
        documented.forEach((key, row) -> {
            if (!accepted.contains(key)) {
                problems.add(row.where() + ": " + key + " is documented but the config loader does not accept it");
            }
        });
        for (String key : accepted) {
            if (!isDocumented(key, documented)) {
                problems.add("docs/configuration.md: " + key
                        + " is accepted by the config loader but has no row in a key table");
            }
        }
        assertThat(problems).as("config keys in docs/configuration.md").isEmpty();
    }

    /** Keys in the first column of configuration.md's key tables (one or more per row), as full paths. */
    private static Map<String, Markdown.Row> documentedKeys(Path file) {
        Map<String, Markdown.Row> keys = new LinkedHashMap<>();
        for (Markdown.Row row : Markdown.rows(file)) {
            if (row.header().isEmpty() || !row.header().get(0).equals("key")) {
                continue;
            }
            String prefix = row.heading().startsWith("`routes") ? "routes[]." : "";
            for (String key : Markdown.codeSpans(row.cells().get(0))) {
                keys.put(prefix + key, row);
            }
        }
        return keys;
    }

    /**
     * A key is documented by a row of its own, by its parent's row naming it in a code span
     * ({@code `redis`} in the {@code cluster} row), or by its parent's row pointing at another
     * section that documents it ({@code push.tls}: "as {@code `tls`}").
     */
    private static boolean isDocumented(String key, Map<String, Markdown.Row> documented) {
        if (documented.containsKey(key)) {
            return true;
        }
        int dot = key.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        String parent = key.substring(0, dot).replaceAll("\\[]$", "");
        String leaf = key.substring(dot + 1);
        Markdown.Row parentRow = documented.get(parent);
        if (parentRow == null) {
            return false;
        }
        String text = String.join(" | ", parentRow.cells());
        for (String span : Markdown.codeSpans(text)) {
            if (Arrays.asList(span.split("[^A-Za-z0-9$-]+")).contains(leaf)
                    || documented.containsKey(span + "." + leaf)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> pushBodies(Markdown.Block block) {
        List<String> bodies = new ArrayList<>();
        if (block.language().equals("json") && block.text().strip().startsWith("{\"websocket\"")) {
            bodies.add(block.text());
        } else if (block.language().equals("sh")) {
            String text = block.text().replaceAll("'\\$\\{?\\w+}?'", SAMPLE_ID);
            Matcher m = CURL_PUSH_BODY.matcher(text);
            while (m.find()) {
                if (!m.group(1).equals("…")) {
                    bodies.add(m.group(1));
                }
            }
        }
        return bodies;
    }

    private static Optional<String> check(Markdown.Block block, String body) {
        Optional<Integer> expected =
                block.marker().map(PUSH_ERROR::matcher).filter(Matcher::matches).map(m -> Integer.parseInt(m.group(1)));
        try {
            TencentPushParser.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
            return expected.map(errNo -> block.where() + ": the push body is marked push-error " + errNo
                    + " but the push parser accepts it");
        } catch (SwitchboardException e) {
            int errNo = e.code().errNo();
            if (expected.isEmpty()) {
                return Optional.of(block.where() + ": the push parser refuses this push body with errNo " + errNo
                        + " (" + e.getMessage() + "); fix it, or put <!-- push-error " + errNo
                        + " --> on the line before it");
            }
            return expected.get() == errNo
                    ? Optional.empty()
                    : Optional.of(block.where() + ": the push body is marked push-error " + expected.get()
                            + " but the push parser answers errNo " + errNo + " (" + e.getMessage() + ")");
        }
    }
}
