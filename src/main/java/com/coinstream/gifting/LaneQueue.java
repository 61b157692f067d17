package com.coinstream.gifting;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Queue;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The waiting gifts of one lane, and how the next batch is formed: oldest first, at most one per sender (so a wallet is
 * debited once per statement), and at most {@code max}. A sender's second gift waits for a later batch. While both of
 * that sender's gifts are named, later gifts of other senders may go first (the sender's other gifts keep their order,
 * ahead of newer arrivals): that keeps batches full under a fan tapping the same gift fast. But when either could go out
 * anonymous (asked so, or left to the sender's setting), the batch ends there, and that gift and every later one wait, in
 * the order they arrived: a held-back anonymous gift numbered after gifts that arrived after it would tell anyone
 * watching the feed (its numbers and times) that its sender had a gift earlier in the batch before, which links it to
 * them. Any thread may add; one thread at a time takes batches.
 */
final class LaneQueue<T> {
    private final Queue<T> arrived = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<T> deferred = new ArrayDeque<>();
    private final Function<T, String> sender;
    private final Predicate<T> named;

    /** {@code named}: the gift goes out named whatever the sender's setting (it asked to). */
    LaneQueue(Function<T, String> sender, Predicate<T> named) {
        this.sender = sender;
        this.named = named;
    }

    void add(T item) {
        arrived.add(item);
    }

    boolean isEmpty() {
        return arrived.isEmpty() && deferred.isEmpty();
    }

    List<T> nextBatch(int max) {
        List<T> batch = new ArrayList<>();
        // each sender in the batch, and whether their gift in it is named
        Map<String, Boolean> senders = new HashMap<>();
        List<T> waiting = new ArrayList<>();
        T stop = null;
        while (batch.size() < max) {
            T item = deferred.isEmpty() ? arrived.poll() : deferred.poll();
            if (item == null) {
                break;
            }
            String who = sender.apply(item);
            boolean isNamed = named.test(item);
            Boolean first = senders.get(who);
            if (first == null) {
                senders.put(who, isNamed);
                batch.add(item);
            } else if (first && isNamed) {
                waiting.add(item);
            } else {
                stop = item;
                break;
            }
        }
        // back in front, in their order: the held-back gifts, then the one that ended the batch (the rest never left)
        if (stop != null) {
            deferred.addFirst(stop);
        }
        for (int i = waiting.size() - 1; i >= 0; i--) {
            deferred.addFirst(waiting.get(i));
        }
        return batch;
    }
}
