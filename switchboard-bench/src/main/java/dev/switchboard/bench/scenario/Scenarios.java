package dev.switchboard.bench.scenario;

import java.util.List;

/** Every scenario, as picocli subcommands. */
public final class Scenarios {
    private Scenarios() {}

    /** New instances of all scenarios. */
    public static List<Object> all() {
        return List.of(
                new ConnectRateScenario(),
                new StateDirScenario(),
                new IdleScenario(),
                new EchoInprocessScenario(),
                new EchoHttpScenario(),
                new EchoPushScenario(),
                new FanoutScenario(),
                new ClusterPushScenario(),
                new SoakScenario());
    }
}
