package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever a config file holds, loading it either yields a valid config or fails with one
 * {@link ConfigException} whose message is a single line that starts with the key (or the line)
 * at fault: never another exception, never a message spread over several lines.
 *
 * <p>Three sources: documents shaped like the schema ({@link ConfigTrees}), valid files damaged
 * by edits ({@link ConfigTextMutator}), and arbitrary text. A loaded config must also be one a
 * node can run: every duration fits its nanosecond timers.
 */
class ConfigFuzzTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    /** The environment: {@code ${SET}} is set, any other variable is not. */
    private static final Map<String, String> ENV = Map.of("SET", "1s");

    private static final Pattern LINE = Pattern.compile("line \\d+: .*");
    private static final Set<String> TOP_LEVEL_KEYS = ConfigTrees.topLevelKeys();

    @Example
    void everySeedOfTheMutationsIsValid() {
        for (String seed : ConfigTextMutator.SEEDS) {
            assertThat(ConfigLoader.parse(seed, Map.of()).routes()).isNotEmpty();
        }
    }

    @Property(tries = 2000)
    void randomConfigTreesLoadOrNameTheKeyAtFault(@ForAll("choices") List<Integer> choices) {
        String yaml = new ConfigTrees(choices).yaml();

        assertLoadsOrNamesTheKey(yaml);
    }

    @Property(tries = 2000)
    void mutatedValidConfigsLoadOrNameTheKeyAtFault(@ForAll("mutatedConfigs") String yaml) {
        assertLoadsOrNamesTheKey(yaml);
    }

    @Property(tries = 500)
    void arbitraryTextLoadsOrNamesTheKeyAtFault(@ForAll("arbitraryText") String text) {
        assertLoadsOrNamesTheKey(text);
    }

    /** Uniform choices: jqwik's default bias towards small numbers would pick the first option too often. */
    @Provide
    Arbitrary<List<Integer>> choices() {
        return Arbitraries.integers()
                .between(0, 1_000_000)
                .withDistribution(RandomDistribution.uniform())
                .list()
                .ofMinSize(100)
                .ofMaxSize(600);
    }

    @Provide
    Arbitrary<String> mutatedConfigs() {
        Arbitrary<String> seed = Arbitraries.of(ConfigTextMutator.SEEDS);
        Arbitrary<List<Integer>> edits =
                Arbitraries.integers().between(0, 10_000).list().ofMinSize(1).ofMaxSize(24);
        return Combinators.combine(seed, edits).as(ConfigTextMutator::mutate);
    }

    @Provide
    Arbitrary<String> arbitraryText() {
        Arbitrary<String> unicode = Arbitraries.strings().all().ofMaxLength(400);
        Arbitrary<String> bytes = Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(400)
                .map(b -> new String(b, StandardCharsets.ISO_8859_1));
        Arbitrary<String> yamlish =
                Arbitraries.of(ConfigTextMutator.TOKENS).list().ofMaxSize(60).map(tokens -> String.join("", tokens));
        return Arbitraries.oneOf(unicode, bytes, yamlish);
    }

    /** Loading {@code yaml} gives a config or a one-line {@link ConfigException} that names a key or line. */
    static void assertLoadsOrNamesTheKey(String yaml) {
        GatewayConfig config;
        try {
            config = ConfigLoader.parse(yaml, ENV);
        } catch (ConfigException e) {
            // the report's statistics show what the tries came to: the key at fault, or "loaded"
            Statistics.collect(e.getMessage().replaceAll("[:'(].*", ""));
            assertNamesTheKey(yaml, e.getMessage());
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("loading threw " + e + " instead of a ConfigException, for:\n" + yaml, e);
        }
        Statistics.collect("loaded");
        // anything that loads passed validation: the invariants a node relies on hold
        assertThat(config.routes()).isNotEmpty();
        assertThat(config.nodeId()).isNotBlank();
        assertThat(config.limits().maxMessageBytes()).isPositive();
        assertEveryDurationFitsInNanos(config, "config");
    }

    /** The node's timers count in nanoseconds: a duration that does not fit there cannot run. */
    private static void assertEveryDurationFitsInNanos(Object value, String path) {
        if (value instanceof Duration duration) {
            assertThatCode(duration::toNanos)
                    .as("%s = %s loaded, but overflows the node's nanosecond timers", path, duration)
                    .doesNotThrowAnyException();
        } else if (value instanceof Collection<?> values) {
            int i = 0;
            for (Object element : values) {
                assertEveryDurationFitsInNanos(element, path + "[" + i++ + "]");
            }
        } else if (value != null && value.getClass().isRecord()) {
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                try {
                    assertEveryDurationFitsInNanos(
                            component.getAccessor().invoke(value), path + "." + component.getName());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static void assertNamesTheKey(String yaml, String message) {
        assertThat(message).as("message of a ConfigException").isNotBlank();
        assertThat(message.lines().count())
                .as("ConfigException message on one line: %s", message)
                .isEqualTo(1);
        if (LINE.matcher(message).matches() || message.startsWith("config: ")) {
            return;
        }
        Set<String> keys = new LinkedHashSet<>(TOP_LEVEL_KEYS);
        keys.addAll(documentKeys(yaml));
        assertThat(keys)
                .as("ConfigException message names a key: %s", message)
                .anyMatch(key -> message.startsWith(key + ": ")
                        || message.startsWith(key + ".")
                        || message.startsWith(key + "["));
    }

    /** The top-level keys of {@code yaml} as written (after substitution), for unknown-key errors. */
    private static List<String> documentKeys(String yaml) {
        List<String> keys = new ArrayList<>();
        try {
            JsonNode tree = YAML.readTree(EnvSubstitution.apply(yaml, ENV));
            if (tree != null) {
                // as a message shows them: with line breaks and other control characters escaped
                tree.fieldNames().forEachRemaining(key -> keys.add(new ConfigException(key).getMessage()));
            }
        } catch (Exception e) {
            // not YAML: the message must then name a line, which the caller checked
        }
        return keys;
    }
}
