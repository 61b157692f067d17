package com.coinstream.gifting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.coinstream.catalogue.Gift;

/**
 * How a lane forms its batches: oldest first, one gift per sender, bounded, nothing lost or reordered per sender; named
 * gifts of a repeat sender may be overtaken, a gift that may go out anonymous never is.
 */
@Tag("fast")
class LaneQueueTest {
    /** A gift of {@code sender}; {@code named}: asked to go out named (else anonymous, or left to the sender's setting). */
    record Gift(String sender, int n, boolean named) {
        Gift(String sender, int n) {
            this(sender, n, true);
        }
    }

    static LaneQueue<Gift> queue(Gift... gifts) {
        LaneQueue<Gift> q = new LaneQueue<>(Gift::sender, Gift::named);
        for (Gift g : gifts) {
            q.add(g);
        }
        return q;
    }

    @Test
    void aBatchHoldsAtMostOneGiftPerSender() {
        LaneQueue<Gift> q = queue(new Gift("a", 1), new Gift("a", 2), new Gift("b", 1), new Gift("a", 3), new Gift("c", 1));
        assertEquals(List.of(new Gift("a", 1), new Gift("b", 1), new Gift("c", 1)), q.nextBatch(10));
        assertEquals(List.of(new Gift("a", 2)), q.nextBatch(10));
        assertEquals(List.of(new Gift("a", 3)), q.nextBatch(10));
        assertTrue(q.isEmpty());
    }

    @Test
    void deferredGiftsGoFirstAndKeepTheirOrder() {
        LaneQueue<Gift> q = queue(new Gift("a", 1), new Gift("a", 2), new Gift("a", 3));
        q.nextBatch(10);
        q.add(new Gift("b", 1));
        q.add(new Gift("a", 4));
        assertEquals(List.of(new Gift("a", 2), new Gift("b", 1)), q.nextBatch(10));
        assertEquals(List.of(new Gift("a", 3)), q.nextBatch(10));
        assertEquals(List.of(new Gift("a", 4)), q.nextBatch(10));
    }

    /**
     * A repeat sender's gift that may go out anonymous ends the batch: nothing that arrived after it is booked before it,
     * so a stream's numbers never show that its sender had a gift in the batch before (a named one, say).
     */
    @Test
    void aGiftThatMayGoOutAnonymousIsNeverOvertaken() {
        Gift named = new Gift("a", 1, true);
        Gift anonymous = new Gift("a", 2, false);
        LaneQueue<Gift> q = queue(named, new Gift("b", 1), anonymous, new Gift("c", 1), new Gift("d", 1));
        assertEquals(List.of(named, new Gift("b", 1)), q.nextBatch(10));
        assertEquals(List.of(anonymous, new Gift("c", 1), new Gift("d", 1)), q.nextBatch(10));
        // an anonymous first gift: a named second one waits, and so does everything after it
        LaneQueue<Gift> r = queue(new Gift("x", 1, false), new Gift("x", 2, true), new Gift("y", 1));
        assertEquals(List.of(new Gift("x", 1, false)), r.nextBatch(10));
        assertEquals(List.of(new Gift("x", 2, true), new Gift("y", 1)), r.nextBatch(10));
        // booked in arrival order whenever anonymity is in play
        java.util.Random random = new java.util.Random(7);
        LaneQueue<Gift> mixed = new LaneQueue<>(Gift::sender, Gift::named);
        List<Gift> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Gift g = new Gift("s" + random.nextInt(20), i, false);
            sent.add(g);
            mixed.add(g);
        }
        List<Gift> booked = new java.util.ArrayList<>();
        for (List<Gift> batch = mixed.nextBatch(16); !batch.isEmpty(); batch = mixed.nextBatch(16)) {
            assertEquals(batch.size(), batch.stream().map(Gift::sender).distinct().count());
            booked.addAll(batch);
        }
        assertEquals(sent, booked);
    }

    @Test
    void aBatchNeverExceedsItsMaximum() {
        LaneQueue<Gift> q = new LaneQueue<>(Gift::sender, Gift::named);
        for (int i = 0; i < 300; i++) {
            q.add(new Gift("s" + i, i));
        }
        assertEquals(128, q.nextBatch(128).size());
        assertEquals(128, q.nextBatch(128).size());
        assertEquals(44, q.nextBatch(128).size());
        assertTrue(q.nextBatch(128).isEmpty());
    }
}
