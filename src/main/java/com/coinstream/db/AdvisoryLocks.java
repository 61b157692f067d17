package com.coinstream.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Transaction-scoped PostgreSQL advisory locks, keyed by (namespace, hashtext(id)). They live in memory
 * (no row is written), so they cost almost nothing, and a hash collision only makes two unrelated
 * subjects wait for each other. Rule: a transaction takes its advisory locks first, before any row
 * lock, and a transaction that takes several takes them in (namespace, key) order, so they never deadlock.
 */
public final class AdvisoryLocks {

    public enum Namespace {
        /**
         * A user's coins. Taken exclusively by every transaction that writes a wallet (gift batches, purchases,
         * grants, reversals) and by placeHold and setSpendingLimit, so a gift batch's checks (hold, debt,
         * spending caps) read what the previous holder committed, wherever it ran.
         */
        OWNER(1),
        /** A live stream. Shared by gift batches, exclusive by endLiveStream: no gift commits after an end returns. */
        STREAM(2),
        /** Settlement report imports: one at a time, so overlapping reports book each line's fee once. */
        SETTLEMENT(3),
        /** A counted limit of one subject ({@link Quotas}): webhook subscriptions of an owner, overlay keys of a creator. */
        QUOTA(4),
        /**
         * A webhook subscription: its owner's changes (rotate, delete, test, replay) one at a time, so each meets the one
         * before it committed (a second delete finds it deleted; a replay or a test never revives a deleted one).
         */
        SUBSCRIPTION(5);

        public final int id;

        Namespace(int id) {
            this.id = id;
        }
    }

    private AdvisoryLocks() {
    }

    public static Uni<Void> exclusive(SqlClient tx, Namespace namespace, String subject) {
        return tx.preparedQuery("select pg_advisory_xact_lock($1, hashtext($2))").execute(Tuple.of(namespace.id, subject))
                .replaceWithVoid();
    }

    /** The same lock, taken in a Hibernate Reactive session's transaction (the entity-based services). */
    public static Uni<Void> exclusive(org.hibernate.reactive.mutiny.Mutiny.Session session, Namespace namespace, String subject) {
        return session.createNativeQuery("select count(*) from (select pg_advisory_xact_lock(?1, hashtext(?2))) locked", Long.class)
                .setParameter(1, namespace.id).setParameter(2, subject).getSingleResult().replaceWithVoid();
    }

    /** Shared: many holders at once, none while an exclusive holder has it. */
    public static Uni<Void> shared(SqlClient tx, Namespace namespace, String subject) {
        return tx.preparedQuery("select pg_advisory_xact_lock_shared($1, hashtext($2))").execute(Tuple.of(namespace.id, subject))
                .replaceWithVoid();
    }
}
