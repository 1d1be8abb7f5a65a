package dev.switchboard.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/** The last {@code capacity} distinct ids seen, oldest forgotten first. Thread-safe. */
final class RecentIds {
    private final Map<String, Boolean> ids;

    RecentIds(int capacity) {
        this.ids = new LinkedHashMap<>(capacity * 4 / 3 + 1) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Remembers {@code id}; false when it was remembered already. */
    synchronized boolean add(String id) {
        return ids.putIfAbsent(id, Boolean.TRUE) == null;
    }
}
