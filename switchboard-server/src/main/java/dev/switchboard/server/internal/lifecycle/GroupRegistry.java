package dev.switchboard.server.internal.lifecycle;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import dev.switchboard.core.cluster.ClusterBackplane;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Group membership on this node: group name to members, and on each connection the names of its
 * groups. A group exists while it has members; the last one leaving removes it. A connection that
 * closes leaves all its groups.
 */
public final class GroupRegistry {
    private final ConcurrentHashMap<String, Set<LiveConnection>> groups = new ConcurrentHashMap<>();
    private final int maxGroupsPerConnection;
    private final @Nullable ClusterBackplane backplane;
    private volatile PresenceHooks presence = PresenceHooks.NONE;

    /**
     * A registry whose joins and leaves are mirrored to {@code backplane} in cluster mode (null
     * on a single node).
     */
    public GroupRegistry(int maxGroupsPerConnection, @Nullable ClusterBackplane backplane) {
        this.maxGroupsPerConnection = maxGroupsPerConnection;
        this.backplane = backplane;
    }

    /**
     * Adds {@code connection} to {@code group}; no effect when it is already a member.
     *
     * @return false when the connection closed meanwhile (it is not left in the group)
     * @throws SwitchboardException (400, 4001) when the connection is in too many groups
     */
    public boolean join(LiveConnection connection, String group) {
        Set<String> memberships = connection.groups();
        if (memberships.contains(group)) {
            return true;
        }
        if (memberships.size() >= maxGroupsPerConnection) {
            throw new SwitchboardException(
                    ErrorCode.INVALID_FIELD,
                    "secConnectionID " + connection.id() + " is in " + memberships.size()
                            + " groups already (limits.max-groups-per-connection: " + maxGroupsPerConnection + ")");
        }
        memberships.add(group);
        groups.compute(group, (name, members) -> {
            Set<LiveConnection> set = members == null ? ConcurrentHashMap.newKeySet() : members;
            set.add(connection);
            return set;
        });
        if (backplane != null) {
            backplane.joined(connection.id(), group);
        }
        presence.joined(connection, group);
        if (!connection.isOpen()) {
            // it closed while joining: its leaveAll may have run before the add
            leave(connection, group);
            return false;
        }
        return true;
    }

    /** Removes {@code connection} from {@code group}; returns whether it was a member. */
    public boolean leave(LiveConnection connection, String group) {
        boolean member = leaveLocally(connection, group);
        if (backplane != null) {
            backplane.left(connection.id(), group);
        }
        if (member) {
            presence.left(connection, group);
        }
        return member;
    }

    /** Tells {@code hooks} of every join and leave of an open connection (default none). */
    public void presence(PresenceHooks hooks) {
        this.presence = hooks;
    }

    private boolean leaveLocally(LiveConnection connection, String group) {
        boolean member = connection.groups().remove(group);
        groups.computeIfPresent(group, (name, members) -> {
            members.remove(connection);
            return members.isEmpty() ? null : members;
        });
        return member;
    }

    /**
     * Removes a closing {@code connection} from every group it is in, on this node; the backplane
     * hears of it with the connection's close.
     */
    public void leaveAll(LiveConnection connection) {
        for (String group : new ArrayList<>(connection.groups())) {
            leaveLocally(connection, group);
        }
    }

    /** The members of {@code group}: a live view, empty when the group does not exist. */
    public Set<LiveConnection> members(String group) {
        Set<LiveConnection> members = groups.get(group);
        return members == null ? Set.of() : Collections.unmodifiableSet(members);
    }

    /** True while {@code group} has members. */
    public boolean exists(String group) {
        return groups.containsKey(group);
    }

    /** Group names with their sizes (a weakly consistent snapshot). */
    public List<Map.Entry<String, Integer>> sizes() {
        List<Map.Entry<String, Integer>> sizes = new ArrayList<>(groups.size());
        groups.forEach((name, members) -> sizes.add(Map.entry(name, members.size())));
        return sizes;
    }
}
