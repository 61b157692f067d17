package com.coinstream.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/** A per-instance gate: so many at once, one more refused at once, each counted from its start to its end, whatever the end. */
@Tag("fast")
class AtOnceTest {
    @Test
    void oneMoreThanTheGateHoldsIsRefusedAndEveryEndFreesItsPlace() {
        AtOnce gate = new AtOnce(2, () -> new Refusal(ErrorCode.RATE_LIMITED, "busy"));
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        var one = gate.run(() -> Uni.createFrom().completionStage(first)).subscribeAsCompletionStage();
        var two = gate.run(() -> Uni.createFrom().completionStage(second)).subscribeAsCompletionStage();
        assertEquals(2, gate.running());
        Refusal refused = (Refusal) assertThrows(java.util.concurrent.CompletionException.class,
                () -> gate.run(() -> Uni.createFrom().item("third")).subscribeAsCompletionStage().join()).getCause();
        assertEquals(ErrorCode.RATE_LIMITED, refused.code());
        first.complete("done");
        assertEquals("done", one.join());
        second.completeExceptionally(new IllegalStateException("failed"));
        assertThrows(java.util.concurrent.CompletionException.class, two::join);
        assertEquals(0, gate.running(), "a failure frees its place as an answer does");
        assertThrows(IllegalStateException.class, () -> gate.run(() -> { throw new IllegalStateException("before it started"); }).await().indefinitely());
        assertEquals(0, gate.running(), "and so does work that could not start");
        var cancelled = gate.run(() -> Uni.createFrom().completionStage(new CompletableFuture<String>())).subscribe().with(x -> { });
        assertEquals(1, gate.running());
        cancelled.cancel();
        assertEquals(0, gate.running(), "a cancelled one too");
    }

    /** Per person: one person's second is refused while another person's first runs; a stream counts until it ends or is cancelled. */
    @Test
    void perPersonOneEachAndStreamsCountUntilTheyEnd() {
        AtOnce.PerKey gate = new AtOnce.PerKey(1, () -> new Refusal(ErrorCode.RATE_LIMITED, "busy"));
        CompletableFuture<String> ann = new CompletableFuture<>();
        var annFirst = gate.run("ann", () -> Uni.createFrom().completionStage(ann)).subscribeAsCompletionStage();
        assertThrows(Refusal.class, () -> gate.check("ann"));
        Refusal refused = (Refusal) assertThrows(java.util.concurrent.CompletionException.class,
                () -> gate.run("ann", () -> Uni.createFrom().item("again")).subscribeAsCompletionStage().join()).getCause();
        assertEquals(ErrorCode.RATE_LIMITED, refused.code());
        assertEquals("bob's", gate.run("bob", () -> Uni.createFrom().item("bob's")).await().indefinitely(), "another person is not held up");
        ann.complete("done");
        assertEquals("done", annFirst.join());
        assertEquals(0, gate.running("ann"));
        gate.check("ann");

        var open = gate.stream("ann", () -> io.smallrye.mutiny.Multi.createFrom().<String> emitter(e -> e.emit("row"))).subscribe().with(x -> { });
        assertEquals(1, gate.running("ann"));
        assertThrows(Exception.class, () -> gate.stream("ann", () -> io.smallrye.mutiny.Multi.createFrom().item("x")).collect().asList()
                .await().indefinitely());
        open.cancel();
        assertEquals(0, gate.running("ann"), "a download whose client went away frees its place");
        assertEquals(java.util.List.of("a", "b"), gate.stream("ann", () -> io.smallrye.mutiny.Multi.createFrom().items("a", "b")).collect().asList()
                .await().indefinitely());
        assertEquals(0, gate.running("ann"), "and one that completed");
    }
}
