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
}
