package com.coinstream.gifting;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The waiting gifts of one lane, and how the next batch is formed: oldest first, at most one per sender (so a
 * wallet is debited once per statement), and at most {@code max}. A sender's other gifts wait, in their order,
 * ahead of newer arrivals. Any thread may add; one thread at a time takes batches.
 */
final class LaneQueue<T> {
    private final Queue<T> arrived = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<T> deferred = new ArrayDeque<>();
    private final Function<T, String> sender;

    LaneQueue(Function<T, String> sender) {
        this.sender = sender;
    }

    void add(T item) {
        arrived.add(item);
    }

    boolean isEmpty() {
        return arrived.isEmpty() && deferred.isEmpty();
    }

    List<T> nextBatch(int max) {
        List<T> batch = new ArrayList<>();
        Set<String> senders = new HashSet<>();
        List<T> stillDeferred = new ArrayList<>();
        while (!deferred.isEmpty() && batch.size() < max) {
            T item = deferred.poll();
            (senders.add(sender.apply(item)) ? batch : stillDeferred).add(item);
        }
        T item;
        while (batch.size() < max && (item = arrived.poll()) != null) {
            (senders.add(sender.apply(item)) ? batch : stillDeferred).add(item);
        }
        for (int i = stillDeferred.size() - 1; i >= 0; i--) {
            deferred.addFirst(stillDeferred.get(i));
        }
        return batch;
    }
}
