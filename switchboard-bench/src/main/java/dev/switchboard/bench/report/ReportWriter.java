package dev.switchboard.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes a report as {@code <scenario>.json} and {@code <scenario>.md}, and renders the markdown. */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {}

    /** Writes both files into {@code directory}; returns the markdown. */
    public static String write(ScenarioReport report, Path directory) throws IOException {
        Files.createDirectories(directory);
        JSON.writeValue(directory.resolve(report.scenario() + ".json").toFile(), report);
        String markdown = markdown(report);
        Files.writeString(directory.resolve(report.scenario() + ".md"), markdown);
        return markdown;
    }

    /** The report as markdown: runs, memory and targets tables, then notes. */
    public static String markdown(ScenarioReport report) {
        StringBuilder md = new StringBuilder();
        md.append("### ").append(report.scenario()).append("\n\n");
        md.append("Run ")
                .append(report.startedAt())
                .append(" with ")
                .append(report.parameters())
                .append("\n\n");
        if (!report.runs().isEmpty()) {
            md.append(
                    "| run | server | conns | payload B | offered/s | window s | verified ops | ops/s"
                            + " | server CPU µs/op | server PSS MiB | p50 ms | p99 ms | p99.9 ms | max ms | mismatched | errors |\n");
            md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
            for (RunResult run : report.runs()) {
                Latency l = run.latency();
                md.append(row(
                        run.name(),
                        run.server(),
                        run.connections(),
                        run.payloadBytes(),
                        run.targetRate() == 0 ? "max" : fmt(run.targetRate()),
                        run.seconds(),
                        run.operations(),
                        fmt(run.perSecond()),
                        Double.isNaN(run.serverCpuMicrosPerOp()) ? "" : fmt(run.serverCpuMicrosPerOp()),
                        run.serverMemoryBytes() < 0
                                ? ""
                                : String.format(Locale.ROOT, "%.1f", run.serverMemoryBytes() / 1048576.0),
                        l.p50(),
                        l.p99(),
                        l.p999(),
                        l.max(),
                        run.mismatched(),
                        run.errors()));
            }
            md.append('\n');
        }
        if (!report.memory().isEmpty()) {
            md.append("| server | idle conns | heap after GC MiB | heap B/conn | RSS MiB | RSS B/conn |\n");
            md.append("|---|--:|--:|--:|--:|--:|\n");
            for (MemoryResult m : report.memory()) {
                md.append(row(
                        m.server(),
                        m.connections(),
                        String.format(Locale.ROOT, "%.1f", m.heapBytes() / 1048576.0),
                        fmt(m.heapPerConnection()),
                        String.format(Locale.ROOT, "%.1f", m.rssBytes() / 1048576.0),
                        fmt(m.rssPerConnection())));
            }
            md.append('\n');
        }
        if (!report.ratios().isEmpty()) {
            md.append("| target | measured | required | met |\n|---|--:|--:|---|\n");
            for (Ratio ratio : report.ratios()) {
                md.append(row(
                        ratio.name(),
                        fmt(ratio.value()) + " " + ratio.unit(),
                        (ratio.atLeast() ? "≥ " : "≤ ") + fmt(ratio.target()) + " " + ratio.unit(),
                        ratio.met() ? "yes" : "**no**"));
            }
            md.append('\n');
        }
        for (String note : report.notes()) {
            md.append("- ").append(note).append('\n');
        }
        return md.toString();
    }

    private static String row(Object... cells) {
        StringBuilder row = new StringBuilder("|");
        for (Object cell : cells) {
            row.append(' ').append(cell).append(" |");
        }
        return row.append('\n').toString();
    }

    private static String fmt(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e12) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%,.0f" : "%.2f", value);
    }
}
