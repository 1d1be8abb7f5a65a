package dev.switchboard.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Push API bodies for fuzzing, built from a list of choices (small integers) so that jqwik shrinks
 * a failing body by shrinking the list: JSON trees shaped like push commands with a wrong value
 * here and there, valid commands with edits, and text edits that break the JSON itself.
 * Connection ids are the placeholders {@code $ID0}…{@code $ID2}, replaced by live ids when sent.
 */
final class PushBodies {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The fields of the {@code websocket} object, and some near misses. */
    private static final List<String> FIELDS = List.of(
            "action",
            "secConnectionID",
            "secConnectionIDs",
            "group",
            "all",
            "exclude",
            "dataType",
            "data",
            "closeCode",
            "closeReason",
            "Action",
            "secConnectionId",
            "",
            "websocket");

    private static final List<JsonNode> SCALARS = List.of(
            JSON.textNode("data send"),
            JSON.textNode("closing"),
            JSON.textNode("join"),
            JSON.textNode("leave"),
            JSON.textNode("info"),
            JSON.textNode("data recv"),
            JSON.textNode("text"),
            JSON.textNode("binary"),
            JSON.textNode("$ID0"),
            JSON.textNode("$ID1"),
            JSON.textNode("$ID2"),
            JSON.textNode("test.no-such-connection"),
            JSON.textNode("other-node.abc"),
            JSON.textNode("lobby"),
            JSON.textNode("bad group!"),
            JSON.textNode("g".repeat(129)),
            JSON.textNode("AAEC"),
            JSON.textNode("not base64!"),
            JSON.textNode("=="),
            JSON.textNode(""),
            JSON.textNode("\u0000"),
            JSON.textNode("ü✓ 😀"),
            JSON.textNode("r".repeat(124)),
            JSON.numberNode(1000),
            JSON.numberNode(4000),
            JSON.numberNode(4999),
            JSON.numberNode(999),
            JSON.numberNode(1005),
            JSON.numberNode(1006),
            JSON.numberNode(1015),
            JSON.numberNode(5000),
            JSON.numberNode(-1),
            JSON.numberNode(2_147_483_648L),
            JSON.numberNode(new BigInteger("123456789012345678901234567890")),
            JSON.numberNode(4000.5),
            JSON.numberNode(1e300),
            JSON.booleanNode(true),
            JSON.booleanNode(false),
            JSON.nullNode());

    /** Valid commands (with placeholder ids) that edits start from. */
    static final List<String> VALID = List.of(
            "{\"websocket\":{\"action\":\"data send\",\"secConnectionID\":\"$ID0\",\"dataType\":\"text\",\"data\":\"hi\"}}",
            "{\"websocket\":{\"action\":\"data send\",\"secConnectionID\":\"$ID1\",\"dataType\":\"binary\",\"data\":\"AAEC\"}}",
            "{\"websocket\":{\"action\":\"data send\",\"secConnectionIDs\":[\"$ID0\",\"$ID1\",\"gone\"],\"dataType\":\"text\",\"data\":\"x\"}}",
            "{\"websocket\":{\"action\":\"data send\",\"group\":\"lobby\",\"exclude\":[\"$ID2\"],\"dataType\":\"text\",\"data\":\"g\"}}",
            "{\"websocket\":{\"action\":\"data send\",\"all\":true,\"exclude\":[\"$ID0\"],\"dataType\":\"text\",\"data\":\"a\"}}",
            "{\"websocket\":{\"action\":\"closing\",\"secConnectionID\":\"$ID2\",\"closeCode\":4000,\"closeReason\":\"kicked\"}}",
            "{\"websocket\":{\"action\":\"join\",\"secConnectionID\":\"$ID1\",\"group\":\"lobby\"}}",
            "{\"websocket\":{\"action\":\"leave\",\"secConnectionID\":\"$ID1\",\"group\":\"lobby\"}}",
            "{\"websocket\":{\"action\":\"info\",\"secConnectionID\":\"$ID0\"}}");

    /** Fragments that break JSON, or make it unusual: escapes, deep nesting, huge numbers, comments. */
    static final List<String> TOKENS = List.of(
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "\\",
            "\\u",
            "\\ud800",
            "\\udc00\\ud800",
            "\\u0000",
            "null",
            "true",
            "1e999999",
            "-0",
            "0x10",
            "NaN",
            "Infinity",
            "01",
            "99999999999999999999999999999",
            "/*c*/",
            "//c\n",
            "'",
            "\u0000",
            "\uFEFF",
            "\n",
            " ",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            "{\"websocket\":",
            "\"websocket\"",
            "\"action\":",
            "\"data send\"",
            "\"closing\"",
            "$ID0",
            "\u00ff",
            "\u00c3\u0028");

    private final List<Integer> choices;
    private int next;

    PushBodies(List<Integer> choices) {
        this.choices = choices;
    }

    /** A JSON tree mostly shaped like a push command. */
    String tree() {
        JsonNode root = switch (pick(10)) {
            case 0 -> anything(3);
            case 1 -> {
                ObjectNode object = JSON.objectNode();
                object.set(FIELDS.get(pick(FIELDS.size())), anything(2));
                yield object;
            }
            default -> {
                ObjectNode object = JSON.objectNode();
                object.set("websocket", websocket());
                if (pick(6) == 0) {
                    object.set("extra", anything(1));
                }
                yield object;
            }
        };
        return root.toString();
    }

    /** A valid command with edits to its tree, then perhaps to its text. */
    String mutatedValid(com.fasterxml.jackson.databind.ObjectMapper mapper) {
        ObjectNode body;
        try {
            body = (ObjectNode) mapper.readTree(VALID.get(pick(VALID.size())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ObjectNode websocket = (ObjectNode) body.get("websocket");
        int edits = 1 + pick(3);
        for (int i = 0; i < edits; i++) {
            List<String> names = new ArrayList<>();
            websocket.fieldNames().forEachRemaining(names::add);
            switch (pick(5)) {
                case 0 -> {
                    if (!names.isEmpty()) {
                        websocket.remove(names.get(pick(names.size())));
                    }
                }
                case 1 -> websocket.set(FIELDS.get(pick(FIELDS.size())), scalar());
                case 2 -> {
                    if (!names.isEmpty()) {
                        websocket.set(names.get(pick(names.size())), anything(1));
                    }
                }
                case 3 -> body.set(pick(2) == 0 ? "websocket" : "other", anything(1));
                default -> websocket.set(FIELDS.get(pick(FIELDS.size())), SCALARS.get(pick(SCALARS.size())));
            }
        }
        String text = body.toString();
        return pick(3) == 0 ? textEdits(text) : text;
    }

    /** {@code text} with characters deleted, tokens inserted, or cut short. */
    String textEdits(String text) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + pick(4);
        for (int i = 0; i < edits; i++) {
            int at = pick(out.length() + 1);
            switch (pick(4)) {
                case 0 -> out.delete(at, Math.min(out.length(), at + 1 + pick(3)));
                case 1 -> out.setLength(at);
                default -> out.insert(at, TOKENS.get(pick(TOKENS.size())));
            }
        }
        return out.toString();
    }

    private ObjectNode websocket() {
        ObjectNode websocket = JSON.objectNode();
        websocket.set("action", pick(5) == 0 ? scalar() : SCALARS.get(pick(6)));
        for (String field : FIELDS.subList(1, FIELDS.size())) {
            if (pick(4) == 0) {
                websocket.set(field, pick(5) == 0 ? anything(1) : scalar());
            }
        }
        return websocket;
    }

    private JsonNode scalar() {
        return SCALARS.get(pick(SCALARS.size()));
    }

    /** Any JSON value, nested at most {@code depth} deep. */
    private JsonNode anything(int depth) {
        switch (pick(depth > 0 ? 4 : 2)) {
            case 0, 1 -> {
                return scalar();
            }
            case 2 -> {
                ArrayNode array = JSON.arrayNode();
                int count = pick(4);
                for (int i = 0; i < count; i++) {
                    array.add(anything(depth - 1));
                }
                return array;
            }
            default -> {
                ObjectNode object = JSON.objectNode();
                int count = pick(4);
                for (int i = 0; i < count; i++) {
                    object.set(FIELDS.get(pick(FIELDS.size())), anything(depth - 1));
                }
                return object;
            }
        }
    }

    /** The next choice in {@code [0, bound)}; 0 once the choices run out. */
    private int pick(int bound) {
        return next < choices.size() ? choices.get(next++) % bound : 0;
    }
}
