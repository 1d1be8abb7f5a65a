package dev.switchboard.bench.scenario;

import dev.switchboard.bench.load.EchoRun;
import dev.switchboard.bench.load.LoadSpec;
import dev.switchboard.bench.report.ScenarioReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Tencent pattern: the HTTP transfer function sends each message back through the push API
 * (and answers the transfer once the push is done), so every echo is a transfer call plus a push
 * call. Reported next to the same gateway answering with a {@code reply}.
 */
@Command(name = "echo-push", description = "Gateway + HTTP transfer that pushes back through the push API.")
final class EchoPushScenario extends Scenario {
    @Option(names = "--connections", description = "Client connections (default: 200).")
    int connections = 200;

    @Override
    String name() {
        return "echo-push";
    }

    @Override
    void run(ScenarioReport report) throws Exception {
        report.parameters().put("connections", connections);
        Servers servers = servers();
        int pushPort = Servers.freePort();
        try (ChildJvm stub = servers.stub("--push-url", "http://127.0.0.1:" + pushPort + "/push");
                ChildJvm gateway =
                        servers.gateway("gateway", pushPort, "--transfer", Servers.stubUrl(stub, "/transfer"))) {
            for (int payload : options.payloads) {
                LoadSpec spec = options.spec(connections, payload);
                log("gateway HTTP transfer, echo through the push API, " + payload + " B");
                report.runs()
                        .add(EchoRun.run(
                                "gateway, HTTP transfer + push API",
                                "gateway",
                                Servers.ws(gateway, true),
                                spec.against(gateway.pid())));
            }
        }
        report.notes()
                .add("Each echo is two HTTP calls: gateway → transfer function, function → push API;"
                        + " three JVMs share the machine's cores. The issue sets no target for this scenario.");
    }
}
