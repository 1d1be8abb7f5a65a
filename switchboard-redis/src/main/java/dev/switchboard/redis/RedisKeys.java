package dev.switchboard.redis;

/**
 * The keys and channels of the backplane. Every command touches one key, so the layout works on
 * Redis Cluster as well.
 *
 * <pre>
 * sb:nodes                 set of node ids that joined
 * sb:node:{node}           heartbeat, expires after heartbeat-ttl
 * sb:takeover:{node}       lock held by the survivor cleaning up a lost node
 * sb:lost:{node}           a node declared lost by a takeover, or that left: members forget it
 * sb:takenover:{node}      set of the ids a takeover of a lost node cleaned up (kept 24 h)
 * sb:rewritten:{node}      the run id of the Redis to which a node last wrote its takeovers again
 * sb:nodeconns:{node}      set of connection ids held by a node
 * sb:routeconns:{route}    set of connection ids of a route
 * sb:conn:{id}             hash: the connection record
 * sb:conngroups:{id}       set of the groups of a connection
 * sb:group:{name}          set of member ids (Redis deletes it when empty)
 * sb:presence:{name}       hash: c:{id} the user of each connection counted in a group's
 *                          presence, u:{user} how many of that user's connections are counted
 * sb:presenceof:{id}       set of the groups whose presence counts a connection
 * sb:inbox:{node}          channel: requests forwarded to a node
 * sb:reply:{node}          channel: replies to a node's forwarded requests
 * sb:members               channel: the id of a node declared lost or that left
 * </pre>
 */
final class RedisKeys {
    static final String NODES = "sb:nodes";
    static final String GROUP_PATTERN = "sb:group:*";
    static final String MEMBERS_CHANNEL = "sb:members";

    private RedisKeys() {}

    static String node(String node) {
        return "sb:node:" + node;
    }

    static String takeover(String node) {
        return "sb:takeover:" + node;
    }

    static String lost(String node) {
        return "sb:lost:" + node;
    }

    static String takenOver(String node) {
        return "sb:takenover:" + node;
    }

    static String rewritten(String node) {
        return "sb:rewritten:" + node;
    }

    static String nodeConnections(String node) {
        return "sb:nodeconns:" + node;
    }

    static String routeConnections(String route) {
        return "sb:routeconns:" + route;
    }

    static String connection(String id) {
        return "sb:conn:" + id;
    }

    static String connectionGroups(String id) {
        return "sb:conngroups:" + id;
    }

    static String group(String name) {
        return "sb:group:" + name;
    }

    static String groupName(String key) {
        return key.substring("sb:group:".length());
    }

    static String presence(String group) {
        return "sb:presence:" + group;
    }

    static String presenceOf(String id) {
        return "sb:presenceof:" + id;
    }

    static String inbox(String node) {
        return "sb:inbox:" + node;
    }

    static String replies(String node) {
        return "sb:reply:" + node;
    }
}
