package dev.switchboard.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests under {@code deploy/} read as Kubernetes reads them (every document
 * parsed as YAML), with the gateway config of their ConfigMap loaded by the real
 * {@link ConfigLoader}: ports, probe paths, the drain and the Secret's keys must agree with what
 * the gateway accepts. No cluster or container engine is involved; see README.md, "Deploying".
 */
class DeployManifestsTest {
    private static final Path KUBERNETES = Path.of("..", "deploy", "kubernetes");
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

    private static final List<JsonNode> documents = new ArrayList<>();
    private static JsonNode deployment;
    private static JsonNode container;
    private static GatewayConfig gateway;

    @BeforeAll
    static void readManifests() throws IOException {
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                documents.addAll(parse(file));
            }
        }
        deployment = only("Deployment");
        container = deployment.at("/spec/template/spec/containers/0");
        String config = only("ConfigMap").at("/data/switchboard.yaml").asText();
        gateway = ConfigLoader.parse(config, environmentFor(config));
    }

    private static List<JsonNode> parse(Path file) throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        try (YAMLParser parser = YAML.createParser(file.toFile())) {
            var values = JSON.readerFor(JsonNode.class).readValues(parser);
            while (values.hasNext()) {
                JsonNode document = (JsonNode) values.next();
                assertThat(document.path("apiVersion").asText())
                        .as(file + ": apiVersion")
                        .isNotEmpty();
                assertThat(document.path("kind").asText()).as(file + ": kind").isNotEmpty();
                parsed.add(document);
            }
        }
        return parsed;
    }

    private static JsonNode only(String kind) {
        List<JsonNode> found = ofKind(kind);
        assertThat(found).as("one " + kind).hasSize(1);
        return found.get(0);
    }

    private static List<JsonNode> ofKind(String kind) {
        return documents.stream()
                .filter(d -> d.path("kind").asText().equals(kind))
                .toList();
    }

    /**
     * The environment the container gives the config: each ${VAR} the config uses must be one of
     * the container's variables, set to a value of the form it has in the example Secret.
     */
    private static Map<String, String> environmentFor(String config) {
        Map<String, String> environment = new HashMap<>();
        JsonNode secret = only("Secret").path("stringData");
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            JsonNode secretKey = variable.at("/valueFrom/secretKeyRef");
            if (!secretKey.isMissingNode()) {
                assertThat(secretKey.path("name").asText()).isEqualTo("switchboard");
                assertThat(secret.has(secretKey.path("key").asText()))
                        .as("the Secret has the key " + secretKey.path("key") + " of " + name)
                        .isTrue();
                environment.put(
                        name, secret.path(secretKey.path("key").asText()).asText());
            } else if (variable.at("/valueFrom/fieldRef/fieldPath").asText().equals("metadata.name")) {
                environment.put(name, "switchboard-7d9f8c6b5-x2x4q");
            } else {
                environment.put(name, variable.path("value").asText());
            }
        }
        Matcher used = VARIABLE.matcher(config);
        while (used.find()) {
            assertThat(environment)
                    .as("the container sets ${" + used.group(1) + "}")
                    .containsKey(used.group(1));
        }
        return environment;
    }

    private static int containerPort(String name) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    @Test
    void everyManifestParsesAndTheKindsAreThere() {
        assertThat(documents)
                .extracting(d -> d.path("kind").asText())
                .contains("ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget");
    }

    @Test
    void containerPortsAreWhereTheConfigListens() {
        assertThat(containerPort("clients")).isEqualTo(gateway.listen().port());
        assertThat(containerPort("push")).isEqualTo(gateway.push().listen().port());
        assertThat(gateway.push().listen().isLoopback())
                .as("the kubelet's probes reach the push listener")
                .isFalse();
        assertThat(gateway.push().token())
                .as("a push listener off loopback needs a token")
                .isNotEmpty();
    }

    @Test
    void probesUseTheGatewaysHealthAndReadinessPathsOnThePushPort() {
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("push");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("push");
    }

    @Test
    void aStopDrainsWith1012WithinTheGracePeriod() {
        assertThat(gateway.shutdownCloseCode()).isEqualTo(1012);
        JsonNode preStop = container.at("/lifecycle/preStop/exec/command");
        assertThat(preStop.get(0).asText()).isEqualTo("sleep");
        Duration pause = Duration.ofSeconds(preStop.get(1).asLong());
        Duration grace = Duration.ofSeconds(deployment
                .at("/spec/template/spec/terminationGracePeriodSeconds")
                .asLong());
        assertThat(grace).isGreaterThan(pause.plus(gateway.shutdownTimeout()));
    }

    @Test
    void theContainerRunsTheConfigMapsConfig() {
        JsonNode mount = container.path("volumeMounts").get(0);
        assertThat(mount.path("name").asText()).isEqualTo("config");
        List<String> args = new ArrayList<>();
        container.path("args").forEach(arg -> args.add(arg.asText()));
        assertThat(args)
                .containsExactly("serve", "--config", mount.path("mountPath").asText() + "/switchboard.yaml");
        assertThat(deployment.at("/spec/template/spec/volumes/0/configMap/name").asText())
                .isEqualTo(only("ConfigMap").at("/metadata/name").asText());
    }

    @Test
    void redisComesFromTheSecret() {
        assertThat(gateway.cluster()).isNotNull();
        assertThat(gateway.cluster().redis())
                .isEqualTo(only("Secret").at("/stringData/redis-uri").asText());
    }

    @Test
    void servicesAndTheDisruptionBudgetSelectThePods() {
        JsonNode labels = deployment.at("/spec/template/metadata/labels");
        assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(labels);
        for (JsonNode service : ofKind("Service")) {
            assertThat(service.at("/spec/selector")).isEqualTo(labels);
            for (JsonNode port : service.at("/spec/ports")) {
                containerPort(port.path("targetPort").asText());
            }
        }
        JsonNode budget = only("PodDisruptionBudget");
        assertThat(budget.at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(budget.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
    }

    @Test
    void kustomizationListsEveryManifestButTheExampleSecret() throws IOException {
        JsonNode kustomization = only("Kustomization");
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            assertThat(listed)
                    .containsExactlyInAnyOrderElementsOf(
                            files.map(f -> f.getFileName().toString())
                                    .filter(name -> !name.equals("kustomization.yaml") && !name.contains("example"))
                                    .toList());
        }
    }

    @Test
    void containerfileUnpacksTheArchiveThisBuildMakesAndRunsItsLauncher() throws IOException {
        String containerfile = Files.readString(Path.of("..", "Containerfile"));
        String archive = Path.of(System.getProperty("switchboard.archive", "target/none"))
                .getFileName()
                .toString();
        String version = archive.replaceAll("^switchboard-|-linux-x64\\.tar\\.gz$", "");
        assertThat(containerfile)
                .contains("ARG VERSION=" + version)
                .contains("ADD switchboard-dist/target/switchboard-${VERSION}-linux-x64.tar.gz /opt/")
                .contains("ENTRYPOINT [\"/opt/switchboard/bin/switchboard\"]")
                .contains("STOPSIGNAL SIGTERM")
                .containsPattern("USER [1-9]");
        assertThat(container.path("image").asText()).endsWith(":" + version);
    }
}
