package com.coinstream.api;

import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/** Turns a service's business refusal into a payload carrying userErrors; real faults stay faults. */
public final class Payloads {
    private Payloads() {
    }

    public static <P> Uni<P> orRefusal(Uni<P> work, Function<UserError, P> refused) {
        return work.onFailure(Refusal.class).recoverWithItem(e -> {
            UserError error = ((Refusal) e).error();
            com.coinstream.metrics.BusinessMetrics.refusal(error.code().name());
            return refused.apply(error);
        });
    }

    /** Run {@code work}, turning a Refusal thrown while building it into a failed Uni too. */
    public static <T> Uni<T> guarded(java.util.function.Supplier<Uni<T>> work) {
        try {
            return work.get();
        } catch (Refusal e) {
            return Uni.createFrom().failure(e);
        }
    }
}
