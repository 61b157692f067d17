package com.coinstream.db;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Work that may finish on another thread (a Mutiny delay or timeout, a lookup on a worker) handed back to the Vert.x
 * context of the code that started it: a request, a transaction or a Hibernate Reactive session goes on where it
 * began, never on a timer's thread.
 */
public final class Contexts {
    private Contexts() {
    }

    /** {@code uni}, its item or failure delivered on the calling context (as it is, when called off any context). */
    public static <T> Uni<T> onCallersContext(Uni<T> uni) {
        Context context = Vertx.currentContext();
        return context == null ? uni : uni.emitOn(run -> context.runOnContext(v -> run.run()));
    }
}
