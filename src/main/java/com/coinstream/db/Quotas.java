package com.coinstream.db;

import java.util.function.Supplier;

import com.coinstream.domain.Refusal;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The one way a counted limit is kept (README "Limits"): in the transaction that adds one more, take the subject's
 * {@link AdvisoryLocks.Namespace#QUOTA} lock, then count, then add. Two requests racing for the last place are
 * serialized by the lock, whichever instance they reach, so a check-then-insert can never let both in.
 */
public final class Quotas {
    private Quotas() {
    }

    /**
     * Holds {@code limit}'s place for {@code subject} until {@code tx} ends, or fails with {@code full} when
     * {@code countSql} (one parameter: {@code subject}) already counts {@code max}.
     */
    public static Uni<Void> reserve(SqlClient tx, String limit, String subject, String countSql, long max, Supplier<Refusal> full) {
        return AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.QUOTA, limit + ":" + subject)
                .flatMap(locked -> check(tx, subject, countSql, max, full));
    }

    /**
     * Fails with {@code full} when the limit is already reached, without holding a place: a cheap refusal before costly
     * work (a name lookup), never instead of {@link #reserve} in the transaction that adds.
     */
    public static Uni<Void> check(SqlClient client, String subject, String countSql, long max, Supplier<Refusal> full) {
        return check(client, Tuple.of(subject), countSql, max, full);
    }

    /** {@link #check(SqlClient, String, String, long, Supplier)} with the count's parameters as given ($1 the subject). */
    public static Uni<Void> check(SqlClient client, Tuple parameters, String countSql, long max, Supplier<Refusal> full) {
        return client.preparedQuery(countSql).execute(parameters)
                .invoke(rows -> {
                    if (rows.iterator().next().getLong(0) >= max) {
                        throw full.get();
                    }
                })
                .replaceWithVoid();
    }
}
