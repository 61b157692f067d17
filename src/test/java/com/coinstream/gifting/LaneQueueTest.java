package com.coinstream.gifting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.coinstream.catalogue.Gift;

/** How a lane forms its batches: oldest first, one gift per sender, bounded, nothing lost or reordered per sender. */
@Tag("fast")
class LaneQueueTest {
    record Gift(String sender, int n) {
    }

    static LaneQueue<Gift> queue(Gift... gifts) {
        LaneQueue<Gift> q = new LaneQueue<>(Gift::sender);
        for (Gift g : gifts) {
            q.add(g);
        }
        return q;
    }

    @Test
    void aBatchHoldsAtMostOneGiftPerSenderAndEndsAtTheSecond() {
        LaneQueue<Gift> q = queue(new Gift("a", 1), new Gift("b", 1), new Gift("a", 2), new Gift("c", 1), new Gift("a", 3), new Gift("d", 1));
        assertEquals(List.of(new Gift("a", 1), new Gift("b", 1)), q.nextBatch(10));
        assertEquals(List.of(new Gift("a", 2), new Gift("c", 1)), q.nextBatch(10));
        assertEquals(List.of(new Gift("a", 3), new Gift("d", 1)), q.nextBatch(10));
        assertTrue(q.isEmpty());
    }

    /** Nothing overtakes a held-back gift: booked in arrival order, so a stream's numbers never link one to its sender. */
    @Test
    void giftsAreBatchedInTheOrderTheyArrived() {
        LaneQueue<Gift> q = queue(new Gift("a", 1), new Gift("a", 2), new Gift("a", 3));
        assertEquals(List.of(new Gift("a", 1)), q.nextBatch(10));
        q.add(new Gift("b", 1));
        q.add(new Gift("a", 4));
        assertEquals(List.of(new Gift("a", 2)), q.nextBatch(10));
        assertEquals(List.of(new Gift("a", 3), new Gift("b", 1)), q.nextBatch(10));
        assertEquals(List.of(new Gift("a", 4)), q.nextBatch(10));
        java.util.Random random = new java.util.Random(7);
        List<Gift> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Gift g = new Gift("s" + random.nextInt(20), i);
            sent.add(g);
            q.add(g);
        }
        List<Gift> booked = new java.util.ArrayList<>();
        for (List<Gift> batch = q.nextBatch(16); !batch.isEmpty(); batch = q.nextBatch(16)) {
            assertEquals(batch.size(), batch.stream().map(Gift::sender).distinct().count());
            booked.addAll(batch);
        }
        assertEquals(sent, booked);
    }

    @Test
    void aBatchNeverExceedsItsMaximum() {
        LaneQueue<Gift> q = new LaneQueue<>(Gift::sender);
        for (int i = 0; i < 300; i++) {
            q.add(new Gift("s" + i, i));
        }
        assertEquals(128, q.nextBatch(128).size());
        assertEquals(128, q.nextBatch(128).size());
        assertEquals(44, q.nextBatch(128).size());
        assertTrue(q.nextBatch(128).isEmpty());
    }
}
