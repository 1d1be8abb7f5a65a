package dev.switchboard.core.push;

import java.util.List;
import java.util.Set;

/** Who a {@code data send} push goes to. */
public sealed interface PushTarget {

    /** One connection ({@code secConnectionID}); answers with that connection's status. */
    record Connection(String id) implements PushTarget {}

    /** A list of connections ({@code secConnectionIDs}), minus {@code exclude}. */
    record Connections(List<String> ids, Set<String> exclude) implements PushTarget {}

    /** Every member of a group ({@code group}), minus {@code exclude}. */
    record Group(String name, Set<String> exclude) implements PushTarget {}

    /** Every connection of a user ({@code userId}) on every node, minus {@code exclude}. */
    record User(String userId, Set<String> exclude) implements PushTarget {}

    /** Every connection of every route ({@code all: true}), minus {@code exclude}. */
    record All(Set<String> exclude) implements PushTarget {}
}
