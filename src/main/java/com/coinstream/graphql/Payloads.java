package com.coinstream.graphql;

import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.db.DatabaseErrors;
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
        return work.onFailure(e -> refusalIn(e).isPresent()).recoverWithItem(e -> refused.apply(refused(refusalIn(e).orElseThrow().error())));
    }

    /** Count a refusal and note it for the admin audit log; returns it. */
    public UserError refused(UserError error) {
        metrics.refusal(error.code().name());
        if (Arc.container().requestContext().isActive()) {
            actions.refused(error);
        }
        return error;
    }

    /**
     * The business refusal a failure stands for: a {@link Refusal} a service threw, or a database error that the request
     * caused ({@link DatabaseErrors}); empty for a real fault.
     */
    public static Optional<Refusal> refusalIn(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof Refusal r ? Optional.of(r) : DatabaseErrors.refusal(t);
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
