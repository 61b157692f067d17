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
 * The waiting gifts of one lane, and how the next batch is formed: oldest first, at most one per sender (so a wallet is
 * debited once per statement), and at most {@code max}. A batch ends at the first gift of a sender already in it: that
 * gift and every later one wait for the next batch, so gifts are booked (and numbered in their stream) in the order they
 * arrived. Letting later gifts of other senders go first would number a held-back gift after gifts that arrived after
 * it, which tells anyone watching the feed that its sender had a gift earlier in the batch before: an anonymous gift
 * linked to a named one. Any thread may add; one thread at a time takes batches.
 */
final class LaneQueue<T> {
    private final Queue<T> arrived = new ConcurrentLinkedQueue<>();
    /** The gift that ended the last batch, first in the next one. */
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
        while (batch.size() < max) {
            T item = deferred.isEmpty() ? arrived.poll() : deferred.poll();
            if (item == null) {
                break;
            }
            if (!senders.add(sender.apply(item))) {
                deferred.addFirst(item);
                break;
            }
            batch.add(item);
        }
        return batch;
    }
}
