package com.coinstream.graphql;

import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Refusal;
import com.coinstream.domain.UserError;
import com.coinstream.metrics.BusinessMetrics;

import io.quarkus.arc.Arc;
import io.smallrye.mutiny.Uni;

/** Turns a service's business refusal into a payload carrying userErrors (and counts it); real faults stay faults. */
@ApplicationScoped
public class Payloads {
    private final BusinessMetrics metrics;
    private final AdminActions actions;

    public Payloads(BusinessMetrics metrics, AdminActions actions) {
        this.metrics = metrics;
        this.actions = actions;
    }

    public <P> Uni<P> orRefusal(Uni<P> work, Function<UserError, P> refused) {
        return work.onFailure(Refusal.class).recoverWithItem(e -> {
            UserError error = ((Refusal) e).error();
            metrics.refusal(error.code().name());
            if (Arc.container().requestContext().isActive()) {
                actions.refused(error);
            }
            return refused.apply(error);
        });
    }

    /** Run {@code work}, turning a Refusal thrown while building it into a failed Uni too. */
    public static <T> Uni<T> guarded(Supplier<Uni<T>> work) {
        try {
            return work.get();
        } catch (Refusal e) {
            return Uni.createFrom().failure(e);
        }
    }
}
