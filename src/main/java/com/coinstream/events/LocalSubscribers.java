package com.coinstream.events;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * The subscriptions on this instance, by key (a stream, a user). Each subscription gets what is emitted
 * for its key until its client goes away, and is forgotten at once then. Registration and removal are
 * atomic per key, so a subscriber never lands in a set that was just dropped.
 */
public final class LocalSubscribers<K, T> {
    private final Map<K, Set<MultiEmitter<? super T>>> byKey = new ConcurrentHashMap<>();

    public Multi<T> subscribe(K key) {
        return Multi.createFrom().emitter(emitter -> {
            byKey.compute(key, (k, set) -> {
                Set<MultiEmitter<? super T>> s = set == null ? ConcurrentHashMap.newKeySet() : set;
                s.add(emitter);
                return s;
            });
            emitter.onTermination(() -> byKey.computeIfPresent(key, (k, set) -> {
                set.remove(emitter);
                return set.isEmpty() ? null : set;
            }));
        });
    }

    public boolean isEmpty() {
        return byKey.isEmpty();
    }

    public boolean watched(K key) {
        return byKey.containsKey(key);
    }

    public void emit(K key, T item) {
        Set<MultiEmitter<? super T>> set = byKey.get(key);
        if (set != null) {
            set.forEach(emitter -> emitter.emit(item));
        }
    }

    public int size() {
        return byKey.values().stream().mapToInt(Set::size).sum();
    }
}
