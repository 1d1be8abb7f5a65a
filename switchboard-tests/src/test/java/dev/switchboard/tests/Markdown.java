package dev.switchboard.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The parts of the project's Markdown files that tests check: fenced code blocks (with the HTML
 * comment marker on the line before, if any) and table rows (with the header they sit under).
 */
final class Markdown {
    /** The checkout's root: this module's parent directory. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final Pattern MARKER = Pattern.compile("^<!--\\s*(.+?)\\s*-->$");

    /** A fenced block: its language, its text, the marker comment before it, and where it starts. */
    record Block(Path file, int line, String language, String text, Optional<String> marker) {
        String where() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    /** A table row under the heading and table header it sits in. */
    record Row(Path file, int line, String heading, List<String> header, List<String> cells) {
        String where() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    private Markdown() {}

    /** README.md and every docs/*.md file. */
    static List<Path> docs() {
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            List<Path> all = new ArrayList<>(List.of(ROOT.resolve("README.md")));
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(all::add);
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Block> blocks(Path file) {
        List<String> lines = lines(file);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("```")) {
                continue;
            }
            String language = line.substring(3).strip();
            int start = i;
            StringBuilder text = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            blocks.add(new Block(file, start + 1, language, text.toString(), markerBefore(lines, start)));
        }
        return blocks;
    }

    static List<Row> rows(Path file) {
        List<String> lines = lines(file);
        List<Row> rows = new ArrayList<>();
        String heading = "";
        List<String> header = List.of();
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                inFence = !inFence;
            } else if (inFence) {
                continue;
            } else if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "");
            } else if (line.startsWith("|")) {
                List<String> cells = cells(line);
                boolean first = i == 0 || !lines.get(i - 1).startsWith("|");
                if (first) {
                    header = cells;
                } else if (!line.startsWith("|---")) {
                    rows.add(new Row(file, i + 1, heading, header, cells));
                }
            }
        }
        return rows;
    }

    /** The code spans (text between backticks) in a piece of Markdown. */
    static List<String> codeSpans(String text) {
        List<String> spans = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(text);
        while (m.find()) {
            spans.add(m.group(1));
        }
        return spans;
    }

    private static Optional<String> markerBefore(List<String> lines, int fence) {
        if (fence == 0) {
            return Optional.empty();
        }
        Matcher m = MARKER.matcher(lines.get(fence - 1).strip());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        // a | inside a code span (e.g. `human\|json`) is escaped and belongs to the cell
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }
}
