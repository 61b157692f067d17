package com.coinstream.purchase;

import static com.coinstream.domain.Times.utc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for refunds and chargebacks: the purchase, the wallet's history, the gifts to reverse, the reversal record. */
@ApplicationScoped
public class ReversalStore {

    /** The purchase as the reversal sees it, locked. */
    record LockedPurchase(String status, long coins, long priceMinor) {
    }

    /** A gift a reversal may undo, locked against maturing meanwhile. */
    record FundedGift(UUID id, String creatorId, int slot, long coins, long diamonds, long commission, boolean matured,
            boolean reversed, Instant createdAt) {
    }

    Uni<Optional<String[]>> buyer(SqlClient client, UUID purchaseId) {
        return client.preparedQuery("select user_id, currency from purchase where id = $1").execute(Tuple.of(purchaseId))
                .map(rows -> rows.iterator().hasNext()
                        ? Optional.of(new String[] { rows.iterator().next().getString(0), rows.iterator().next().getString(1) })
                        : Optional.empty());
    }

    Uni<LockedPurchase> lockPurchase(SqlClient tx, UUID purchaseId) {
        return tx.preparedQuery("select status, coins, price_minor from purchase where id = $1 for update").execute(Tuple.of(purchaseId))
                .map(rows -> {
                    Row p = rows.iterator().next();
                    return new LockedPurchase(p.getString("status"), p.getLong("coins"), p.getLong("price_minor"));
                });
    }

    /** A wallet's entries from the index by account (which holds every posting of a person's account: LedgerHistory.LINES). */
    public static final String WALLET_ENTRIES = """
            select e.id, e.kind, e.cause_id, sum(p.amount)::bigint as amount
            from posting p join journal_entry e on e.id = p.entry_id
            where p.account_id = $1 and p.by_account group by e.id, e.kind, e.cause_id order by e.id
            """;

    /** Every entry that touched the wallet, with its net amount, in ledger order; and what each past reversal did. */
    Uni<FundingLots> lots(SqlClient tx, long walletId, String userId) {
        return tx.preparedQuery(WALLET_ENTRIES).execute(Tuple.of(walletId)).flatMap(entries -> tx.preparedQuery("""
                select r.entry_id, r.purchase_id, r.coins_clawed_back, g.id as gift_id
                from purchase_reversal r join purchase p on p.id = r.purchase_id
                left join gift_event g on g.reversed_entry_id = r.entry_id and g.sender_id = $1
                where p.user_id = $1 and r.entry_id is not null
                """).execute(Tuple.of(userId)).map(reversalRows -> {
            List<FundingLots.WalletEntry> history = new ArrayList<>();
            for (Row r : entries) {
                history.add(new FundingLots.WalletEntry(r.getLong("id"), r.getString("kind"), r.getUUID("cause_id"), r.getLong("amount")));
            }
            Map<Long, FundingLots.ReversalFacts> reversals = new HashMap<>();
            for (Row r : reversalRows) {
                FundingLots.ReversalFacts facts = reversals.computeIfAbsent(r.getLong("entry_id"),
                        id -> new FundingLots.ReversalFacts(r.getUUID("purchase_id"), new HashSet<>(), r.getLong("coins_clawed_back")));
                if (r.getUUID("gift_id") != null) {
                    facts.gifts().add(r.getUUID("gift_id"));
                }
            }
            return FundingLots.replay(history, reversals);
        }));
    }

    Uni<List<FundedGift>> lockGifts(SqlClient tx, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return tx.preparedQuery("""
                select id, creator_id, slot, coins, diamonds, commission, matured_entry_id is not null as matured,
                       reversed_entry_id is not null as reversed, created_at
                from gift_event where id = any($1) order by seq for update
                """).execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
            List<FundedGift> gifts = new ArrayList<>();
            for (Row g : rows) {
                gifts.add(new FundedGift(g.getUUID("id"), g.getString("creator_id"), g.getShort("slot"), g.getLong("coins"),
                        g.getLong("diamonds"), g.getLong("commission"), g.getBoolean("matured"), g.getBoolean("reversed"),
                        g.getOffsetDateTime("created_at").toInstant()));
            }
            return gifts;
        });
    }

    Uni<Void> markGiftsReversed(SqlClient tx, long entryId, List<UUID> gifts) {
        return gifts.isEmpty() ? Uni.createFrom().voidItem()
                : tx.preparedQuery("update gift_event set reversed_entry_id = $1 where id = any($2)")
                        .execute(Tuple.of(entryId, gifts.toArray(UUID[]::new))).replaceWithVoid();
    }

    /** Close the purchase as reversed; its coins and money leave the buyer's purchase statistics if they were ever added. */
    Uni<Void> close(SqlClient tx, UUID purchaseId, String status, String userId, String currency, boolean credited, long coins,
            long priceMinor, Instant at) {
        Uni<Void> closed = tx.preparedQuery("update purchase set status = $2, updated_at = $3 where id = $1")
                .execute(Tuple.of(purchaseId, status, utc(at))).replaceWithVoid();
        return !credited ? closed : closed.call(() -> tx.preparedQuery("update purchase_stats set coins_bought = greatest(0, coins_bought - $3), "
                + "money_paid_minor = greatest(0, money_paid_minor - $4) where user_id = $1 and currency = $2")
                .execute(Tuple.of(userId, currency, coins, priceMinor)));
    }

    Uni<Void> insert(SqlClient tx, Reversal r, String actor, Long entryId) {
        return tx.preparedQuery("insert into purchase_reversal (id, purchase_id, kind, coins_clawed_back, coin_debt, gifts_reversed, "
                + "diamonds_reversed, actor, entry_id, created_at, forfeit_retired, coins_written_off, coins_forfeited) "
                + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
                .execute(Tuple.tuple().addUUID(UUID.fromString(r.id())).addUUID(UUID.fromString(r.purchaseId())).addString(r.kind())
                        .addLong(r.coinsClawedBack()).addLong(r.coinDebt()).addInteger(r.giftsReversed()).addLong(r.diamondsReversed())
                        .addString(actor).addLong(entryId).addOffsetDateTime(utc(r.createdAt())).addLong(r.forfeitRetired())
                        .addLong(r.coinsWrittenOff()).addLong(r.coinsForfeited()))
                .replaceWithVoid();
    }

    Uni<Reversal> find(SqlClient tx, UUID id) {
        return tx.preparedQuery("select id, purchase_id, kind, coins_clawed_back, coin_debt, gifts_reversed, diamonds_reversed, created_at, "
                + "forfeit_retired, coins_written_off, coins_forfeited from purchase_reversal where id = $1").execute(Tuple.of(id)).map(rows -> {
                    Row r = rows.iterator().next();
                    return new Reversal(r.getUUID("id").toString(), r.getUUID("purchase_id").toString(), r.getString("kind"),
                            r.getLong("coins_clawed_back"), r.getLong("coin_debt"), r.getInteger("gifts_reversed"),
                            r.getLong("diamonds_reversed"), r.getOffsetDateTime("created_at").toInstant(), r.getLong("forfeit_retired"),
                            r.getLong("coins_written_off"), r.getLong("coins_forfeited"));
                });
    }

    /**
     * For a buyer erased before this reversal: the coins they forfeited at erasure that no earlier reversal retired yet;
     * empty when the buyer is not erased. (Under the buyer's owner lock, so reversals of theirs never race.)
     */
    Uni<java.util.OptionalLong> forfeitLeftIfErased(SqlClient tx, String userId) {
        return tx.preparedQuery("""
                select u.erased_at is not null as erased,
                       coalesce((select sum(x.forfeited_coins) from erasure_request x where x.user_id = u.id and x.status = 'COMPLETED'), 0)
                     - coalesce((select sum(r.forfeit_retired - r.coins_forfeited) from purchase_reversal r join purchase p on p.id = r.purchase_id
                                 where p.user_id = u.id), 0) as forfeit_left
                from app_user u where u.id = $1""").execute(Tuple.of(userId)).map(rows -> {
                    Row r = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    return r == null || !r.getBoolean("erased") ? java.util.OptionalLong.empty()
                            : java.util.OptionalLong.of(Math.max(0, r.getLong("forfeit_left")));
                });
    }

    /** Creators' pending-diamond accounts (they exist: the gifts credited them). */
    Uni<Map<String, Long>> pendingAccounts(SqlClient tx, List<String> creators) {
        if (creators.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return tx.preparedQuery("select owner_id, id from ledger_account where owner_id = any($1) and purpose = 'DIAMONDS_PENDING' "
                + "and asset = 'DIAMOND'").execute(Tuple.of(creators.toArray(String[]::new))).map(rows -> {
                    Map<String, Long> ids = new HashMap<>();
                    for (Row r : rows) {
                        ids.put(r.getString("owner_id"), r.getLong("id"));
                    }
                    return ids;
                });
    }
}
