package com.coinstream.gifting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * {@code giftEvents(after:)}: the read of what was missed, then the live feed, each publication once, whenever a gift's
 * notice lands (it is sent after its batch commits, so the read can see a gift before its notice arrives).
 */
@Tag("fast")
class GiftFeedCatchUpTest {
    static final UUID STREAM = UUID.fromString("00000000-0000-4000-a000-000000000001");
    static final Instant AT = Instant.parse("2026-12-08T00:00:00Z");

    static GiftEvent gift(long sequence, Instant thanked) {
        return new GiftEvent(STREAM, STREAM, "Rose", 1, "s", false, "g" + sequence, STREAM.toString(), sequence, 1, 1, "Sam", sequence,
                AT, thanked);
    }

    static GiftEvent gift(long sequence) {
        return gift(sequence, null);
    }

    record Run(BroadcastProcessor<GiftEvent> live, UniEmitter<? super List<GiftEvent>>[] read, AssertSubscriber<GiftEvent> seen) {
        List<Long> sequences() {
            return seen.getItems().stream().map(GiftEvent::sequence).toList();
        }
    }

    @SuppressWarnings("unchecked")
    static Run subscribe(long after) {
        BroadcastProcessor<GiftEvent> live = BroadcastProcessor.create();
        UniEmitter<? super List<GiftEvent>>[] read = new UniEmitter[1];
        Consumer<UniEmitter<? super List<GiftEvent>>> keep = e -> read[0] = e;
        AssertSubscriber<GiftEvent> seen = GiftFeed.caughtUp(live, after, Uni.createFrom().emitter(keep))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        return new Run(live, read, seen);
    }

    @Test
    void aGiftTheReadGaveIsNotSentAgainWhenItsNoticeLandsAfterTheRead() {
        Run run = subscribe(3);
        run.read()[0].complete(List.of(gift(4), gift(5)));
        run.live().onNext(gift(5)); // committed before the read, announced after it
        run.live().onNext(gift(6));
        assertEquals(List.of(4L, 5L, 6L), run.sequences());
    }

    @Test
    void aGiftTheReadGaveIsNotSentAgainWhenItsNoticeLandsDuringTheRead() {
        Run run = subscribe(3);
        run.live().onNext(gift(4));
        run.live().onNext(gift(5));
        run.read()[0].complete(List.of(gift(4)));
        assertEquals(List.of(4L, 5L), run.sequences());
    }

    @Test
    void aLateNoticeOfAGiftTheClientHadBeforeIsLeftOutButItsThanksIsNot() {
        Run run = subscribe(5);
        run.read()[0].complete(List.of());
        run.live().onNext(gift(4)); // an instance's listener that took the notice late
        run.live().onNext(gift(5));
        run.live().onNext(gift(4, AT.plusSeconds(1))); // the creator thanked gift 4: news
        run.live().onNext(gift(6));
        assertEquals(List.of(4L, 6L), run.sequences());
        assertEquals(AT.plusSeconds(1), run.seen().getItems().get(0).acknowledgedAt());
    }

    @Test
    void aThanksTheReadAlreadyGaveIsSentOnce() {
        Run run = subscribe(3);
        run.read()[0].complete(List.of(gift(4, AT)));
        run.live().onNext(gift(4, AT));
        run.live().onNext(gift(4, AT.plusSeconds(5))); // thanked again later: another publication
        assertEquals(List.of(4L, 4L), run.sequences());
    }
}
