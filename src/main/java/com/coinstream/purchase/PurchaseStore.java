package com.coinstream.purchase;

import static com.coinstream.domain.Times.utc;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Money;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL for purchases. Status moves by conditional update: PENDING -> SUCCEEDED or FAILED, FAILED -> SUCCEEDED on a
 * confirmed payment; a provider's refund or dispute closes one never credited (ReversalStore).
 */
@ApplicationScoped
public class PurchaseStore {
    private static final String COLUMNS = "id, user_id, package_id, status, coins, price_minor, currency, failure_code, created_at";

    public Uni<Void> insertPending(SqlClient tx, Purchase p, String provider) {
        return tx.preparedQuery("""
                insert into purchase (id, user_id, package_id, coins, price_minor, currency, status, provider, created_at, updated_at)
                values ($1, $2, $3, $4, $5, $6, 'PENDING', $7, $8, $8)
                """)
                .execute(Tuple.tuple().addUUID(p.id()).addString(p.userId()).addUUID(p.packageId()).addLong(p.coins())
                        .addLong(p.price().minorUnits()).addString(p.price().getCurrency()).addString(provider)
                        .addOffsetDateTime(utc(p.createdAt())))
                .replaceWithVoid();
    }

    public Uni<Optional<Purchase>> find(SqlClient client, UUID id) {
        return client.preparedQuery("select " + COLUMNS + " from purchase where id = $1").execute(Tuple.of(id))
                .map(PurchaseStore::first);
    }

    /** PENDING or FAILED -> SUCCEEDED. Empty when it was neither (already settled, or reversed): the caller must not credit. */
    public Uni<Optional<Purchase>> markSucceeded(SqlClient tx, UUID id, String providerRef, Instant at) {
        // PENDING, or FAILED before: a confirmed payment after a failure (the buyer paid again on the same payment, or the
        // provider's failure raced its success) captured the money, so the coins are credited; never to an erased person
        // (the caller holds their owner lock, which an erasure takes too)
        return tx.preparedQuery("update purchase p set status = 'SUCCEEDED', "
                + "provider_ref = case when p.status = 'FAILED' then coalesce($2, p.provider_ref) else coalesce(p.provider_ref, $2) end, "
                + "failure_code = null, updated_at = $3 "
                + "where p.id = $1 and p.status in ('PENDING', 'FAILED') "
                + "and not exists (select 1 from app_user u where u.id = p.user_id and u.erased_at is not null) returning " + COLUMNS)
                .execute(Tuple.of(id, providerRef, utc(at))).map(PurchaseStore::first);
    }

    public Uni<Boolean> markFailed(SqlClient tx, UUID id, String reason, Instant at) {
        return tx.preparedQuery("update purchase set status = 'FAILED', failure_code = $2, updated_at = $3 "
                + "where id = $1 and status = 'PENDING'")
                .execute(Tuple.of(id, reason, utc(at))).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> recordEntry(SqlClient tx, UUID id, long entryId) {
        return tx.preparedQuery("update purchase set entry_id = $2 where id = $1").execute(Tuple.of(id, entryId))
                .replaceWithVoid();
    }

    /** Whether the purchase's charge is still running: PENDING, and no provider reference recorded yet. */
    public Uni<Boolean> chargeRunning(SqlClient client, UUID id) {
        return client.preparedQuery("select 1 from purchase where id = $1 and status = 'PENDING' and provider_ref is null")
                .execute(Tuple.of(id)).map(rows -> rows.size() > 0);
    }

    public Uni<Void> recordProviderRef(SqlClient client, UUID id, String providerRef) {
        return client.preparedQuery("update purchase set provider_ref = $2 where id = $1 and provider_ref is null")
                .execute(Tuple.of(id, providerRef)).replaceWithVoid();
    }

    /** Coins bought and money paid per user and currency: the weighted-average price of their coins. */
    public Uni<Void> addToStats(SqlClient tx, Purchase p) {
        return tx.preparedQuery("""
                insert into purchase_stats (user_id, currency, coins_bought, money_paid_minor) values ($1, $2, $3, $4)
                on conflict (user_id, currency) do update set coins_bought = purchase_stats.coins_bought + excluded.coins_bought,
                    money_paid_minor = purchase_stats.money_paid_minor + excluded.money_paid_minor
                """).execute(Tuple.of(p.userId(), p.price().getCurrency(), p.coins(), p.price().minorUnits())).replaceWithVoid();
    }

    /** Remember a provider event; false when it was already processed (a replay). */
    public Uni<Boolean> recordEvent(SqlClient tx, String provider, String eventId, String type, UUID purchaseId, Instant at) {
        return tx.preparedQuery("""
                insert into payment_event (provider, event_id, event_type, purchase_id, received_at)
                values ($1, $2, $3, $4, $5) on conflict do nothing
                """).execute(Tuple.of(provider, eventId, type, purchaseId, utc(at))).map(rows -> rows.rowCount() == 1);
    }

    private static Optional<Purchase> first(RowSet<Row> rows) {
        var it = rows.iterator();
        if (!it.hasNext()) {
            return Optional.empty();
        }
        Row r = it.next();
        return Optional.of(new Purchase(r.getUUID("id"), r.getString("user_id"), r.getUUID("package_id"),
                r.getString("status"), r.getLong("coins"), Money.ofMinor(r.getLong("price_minor"), r.getString("currency")),
                r.getString("failure_code"), r.getOffsetDateTime("created_at").toInstant()));
    }

}
