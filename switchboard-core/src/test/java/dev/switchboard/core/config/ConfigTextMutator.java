package dev.switchboard.core.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Damages valid config files the way hands and tools do: a character deleted or inserted, a YAML
 * token where it does not belong, a line dropped, doubled, swapped or re-indented, a file cut
 * short. Each edit is one integer, so jqwik can shrink a list of edits.
 */
final class ConfigTextMutator {
    /** Valid configs to start from. */
    static final List<String> SEEDS = List.of("""
            routes:
              - path: /chat
            """, """
            node-id: auto                  # auto = hostname + random suffix
            listen: 0.0.0.0:8080           # client WebSockets
            push:
              listen: 127.0.0.1:8081
              token: ${SWITCHBOARD_PUSH_TOKEN:-}
            tls: {cert: null, key: null}
            cluster: {redis: null}
            limits:
              max-connections: 100000
              max-connections-per-ip: 1000
              max-message-bytes: 131072
              idle-timeout: 600s
              max-lifetime: 2h
              outbound-buffer-bytes: 1048576
            routes:
              - path: /chat
                dialect: tencent
                service-id: service-local
                stage: release
                functions:
                  register: http://127.0.0.1:9000/register
                  transfer: http://127.0.0.1:9000/transfer
                  cleanup:  http://127.0.0.1:9000/cleanup
                timeouts: {register: 3s, transfer: 10s, cleanup: 10s}
            """, """
            node-id: edge-1
            listen: :8080
            shutdown-timeout: 20s
            shutdown-close-code: 1012
            cleanup-retry-for: 1h
            push:
              listen: 0.0.0.0:8081
              token: s3cret
              max-body-bytes: 1MiB
              aws-credentials:
                - access-key-id: AKIDEXAMPLE
                  secret-access-key: wJalrXUtnFEMI
            cluster:
              redis: redis://127.0.0.1:6379
              heartbeat-interval: 1s
              heartbeat-ttl: 5s
              forward-timeout: 2s
            runtimes: {workers: 2, python: python3, node: node}
            limits:
              handshake-timeout: 10s
              max-header-bytes: 8KiB
              ping-interval: 30s
              close-timeout: 5s
              inbound-queue-messages: 64
              inbound-queue-bytes: 1MiB
              max-context-bytes: 4KiB
              max-groups-per-connection: 100
              slow-consumer: drop
            routes:
              - path: /chat
                subprotocols: [chat, superchat]
                permessage-deflate: true
                on-transfer-error: ignore
                max-in-flight: 4
                max-message-bytes: 64KiB
                max-frame-bytes: 16KiB
                idle-timeout: 5m
                max-lifetime: 1d
                max-connections: 5000
                functions:
                  register: java:com.example.Chat#register
                  transfer: python:functions/transfer.py:main_handler
                  cleanup: node:functions/cleanup.js
              - path: /aws
                dialect: aws
                route-selection-expression: $request.body.action
                route-response: true
                binary-frames: deliver
                api-id: abcdef1234
                domain-name: ws.example.com
                route-keys:
                  $connect: http://127.0.0.1:9000/connect
                  $default: http://127.0.0.1:9000/default
                  sendMessage: http://127.0.0.1:9000/send
            """);

    /** Fragments that mean something to a YAML parser or to config values. */
    static final List<String> TOKENS = List.of(
            ":",
            ": ",
            " ",
            "\n",
            "\r\n",
            "\t",
            "- ",
            "-",
            "{",
            "}",
            "[",
            "]",
            ",",
            "#",
            "&a ",
            "*a",
            "!!int ",
            "!!binary ",
            "!!map ",
            "!foo ",
            "|",
            ">",
            "'",
            "\"",
            "? ",
            "---\n",
            "...\n",
            "%YAML 1.2\n",
            "<<: *a",
            "\u0000",
            "\uFEFF",
            "\uD800",
            "${",
            "${SET}",
            "${UNSET}",
            "${UNSET:-",
            "$${X}",
            "}",
            "1e400",
            "~",
            "null",
            "0x1F",
            "0o17",
            ".inf",
            "-.inf",
            ".nan",
            "999999999999999999999",
            "-1",
            "0",
            "true",
            "routes",
            "path",
            "limits",
            "idle-timeout",
            "max-message-bytes",
            "/chat",
            "http://",
            "java:",
            "python:",
            "ms",
            "GiB",
            "é",
            "\\",
            "@",
            "`",
            "%");

    private ConfigTextMutator() {}

    /** Applies each edit of {@code edits} to {@code seed}. */
    static String mutate(String seed, List<Integer> edits) {
        StringBuilder text = new StringBuilder(seed);
        for (int edit : edits) {
            apply(text, edit % 9, edit / 9);
        }
        return text.toString();
    }

    private static void apply(StringBuilder text, int operation, int argument) {
        int at = text.length() == 0 ? 0 : argument % (text.length() + 1);
        switch (operation) {
            case 0 -> { // delete a few characters
                int end = Math.min(text.length(), at + 1 + argument % 4);
                text.delete(Math.min(at, end), end);
            }
            case 1, 2 -> text.insert(at, TOKENS.get(argument % TOKENS.size()));
            case 3 -> { // replace what follows a colon with a token
                int colon = text.indexOf(": ", at);
                if (colon >= 0) {
                    int end = text.indexOf("\n", colon);
                    text.replace(colon + 2, end < 0 ? text.length() : end, TOKENS.get(argument % TOKENS.size()));
                }
            }
            case 4 -> editLines(text, argument, Edit.DROP);
            case 5 -> editLines(text, argument, Edit.DOUBLE);
            case 6 -> editLines(text, argument, Edit.INDENT);
            case 7 -> editLines(text, argument, Edit.SWAP);
            default -> text.setLength(at); // cut short
        }
    }

    private enum Edit {
        DROP,
        DOUBLE,
        INDENT,
        SWAP
    }

    private static void editLines(StringBuilder text, int argument, Edit edit) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.toString().split("\n", -1)));
        int i = argument % lines.size();
        switch (edit) {
            case DROP -> lines.remove(i);
            case DOUBLE -> lines.add(i, lines.get(i));
            case INDENT ->
                lines.set(
                        i,
                        argument % 2 == 0 ? "  " + lines.get(i) : lines.get(i).replaceFirst("^ {1,2}", ""));
            case SWAP -> {
                int j = (i + 1 + argument % 3) % lines.size();
                String line = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, line);
            }
        }
        text.setLength(0);
        text.append(String.join("\n", lines));
    }
}
