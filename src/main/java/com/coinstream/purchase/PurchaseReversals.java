package com.coinstream.purchase;

import static com.coinstream.api.Times.utc;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.api.ErrorCode;
import com.coinstream.api.Refusal;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.EntryDraft;
import com.coinstream.ledger.Idempotency;
import com.coinstream.ledger.Ledger;
import com.coinstream.wallet.WalletFeed;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Refunds and chargebacks. Coins are attributed to purchases FIFO: the wallet's credits, in order, are
 * lots, and its gift debits consume them oldest first. Reversing purchase P, in one entry:
 * <ol>
 * <li>the cash goes back (FUNDING to PAYMENT_CLEARING);</li>
 * <li>gifts funded by P whose creator diamonds are still pending are reversed (coins back to the wallet,
 * diamonds and commission back to issuance, from the exact slot rows they credited);</li>
 * <li>P's coins are clawed back from the wallet, as far as the wallet goes;</li>
 * <li>the shortfall becomes COIN_DEBT, which blocks gifting and payouts until a later purchase settles it.</li>
 * </ol>
 * Gifts whose diamonds already matured are not reversed: the platform absorbs them.
 */
@ApplicationScoped
public class PurchaseReversals {
    public static final String KIND = "REVERSAL";
    private final Pool pool;
    private final Ledger ledger;
    private final Idempotency idempotency;
    private final Clock clock;
    private final WalletFeed walletFeed;

    public PurchaseReversals(Pool pool, Ledger ledger, Idempotency idempotency, Clock clock, WalletFeed walletFeed) {
        this.walletFeed = walletFeed;
        this.pool = pool;
        this.ledger = ledger;
        this.idempotency = idempotency;
        this.clock = clock;
    }

    /** The reversal, and whether this call applied it (false for a replay). */
    private record Applied(Reversal reversal, boolean now) {
    }

    /** Reverse a purchase. {@code idempotencyKey} may be null when the provider's event id already deduplicates. */
    public Uni<Reversal> reverse(String actor, String purchaseIdText, String kind, String idempotencyKey) {
        if (!"REFUND".equals(kind) && !"CHARGEBACK".equals(kind)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "kind must be REFUND or CHARGEBACK", "input", "kind");
        }
        String key = idempotencyKey == null ? null : Idempotency.validKey(idempotencyKey);
        UUID purchaseId;
        try {
            purchaseId = UUID.fromString(purchaseIdText);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Refusal(ErrorCode.NOT_FOUND, "No such purchase", "input", "purchaseId");
        }
        String hash = Idempotency.fingerprint("reversePurchase", purchaseId, kind);
        UUID reversalId = UUID.randomUUID();
        Instant now = clock.instant();
        return pool.preparedQuery("select user_id, currency from purchase where id = $1").execute(Tuple.of(purchaseId)).flatMap(rows -> {
            if (!rows.iterator().hasNext()) {
                throw new Refusal(ErrorCode.NOT_FOUND, "No such purchase", "input", "purchaseId");
            }
            Row r = rows.iterator().next();
            String userId = r.getString("user_id");
            String currency = r.getString("currency");
            List<AccountKey> keys = List.of(AccountKey.wallet(userId), AccountKey.user(userId, AccountPurpose.COIN_DEBT, Asset.COIN),
                    AccountKey.user(userId, AccountPurpose.FUNDING, Asset.cash(currency)),
                    AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, Asset.cash(currency)),
                    AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN),
                    AccountKey.platform(AccountPurpose.DIAMOND_ISSUANCE, Asset.DIAMOND),
                    AccountKey.platform(AccountPurpose.COMMISSION, Asset.DIAMOND));
            return ledger.accounts().ids(keys).flatMap(ids -> pool.withTransaction(tx -> {
                Uni<Idempotency.Claim> claim = key == null ? Uni.createFrom().item(new Idempotency.Claim(Idempotency.Outcome.NEW, reversalId))
                        : idempotency.claim(tx, actor, key, "reversePurchase", hash, reversalId, now);
                return claim.flatMap(c -> c.outcome() == Idempotency.Outcome.REPLAY ? find(tx, c.resultId()).map(found -> new Applied(found, false))
                        : apply(tx, actor, purchaseId, kind, reversalId, userId, currency, ids, now).map(done -> new Applied(done, true)));
            })).invoke(applied -> {
                if (applied.now()) {
                    walletFeed.changed(userId);
                }
            }).map(Applied::reversal);
        });
    }

    private Uni<Reversal> apply(SqlConnection tx, String actor, UUID purchaseId, String kind, UUID reversalId, String userId,
            String currency, Map<AccountKey, Long> ids, Instant now) {
        long walletId = ids.get(AccountKey.wallet(userId));
        return tx.preparedQuery("select status, coins, price_minor, entry_id from purchase where id = $1 for update")
                .execute(Tuple.of(purchaseId)).flatMap(rows -> {
                    Row p = rows.iterator().next();
                    String status = p.getString("status");
                    if (!Purchase.SUCCEEDED.equals(status)) {
                        throw new Refusal(ErrorCode.INVALID_STATE, "REFUNDED".equals(status) || "CHARGED_BACK".equals(status)
                                ? "This purchase was already reversed" : "Only a completed purchase can be reversed", "input", "purchaseId");
                    }
                    long coins = p.getLong("coins");
                    long price = p.getLong("price_minor");
                    long purchaseEntry = p.getLong("entry_id");
                    // Lock the wallet first: the user's own gifts wait until the reversal is done.
                    return tx.preparedQuery("select balance from account_balance where account_id = $1 and slot = 0 for update")
                            .execute(Tuple.of(walletId))
                            .map(b -> b.iterator().hasNext() ? b.iterator().next().getLong(0) : 0L)
                            .flatMap(balance -> fundedGifts(tx, walletId, purchaseEntry).flatMap(gifts -> {
                                EntryDraft draft = EntryDraft.of(KIND, reversalId, now)
                                        .memo(kind.equals("REFUND") ? "Refund of purchase " + purchaseId : "Chargeback of purchase " + purchaseId)
                                        .move(AccountKey.user(userId, AccountPurpose.FUNDING, Asset.cash(currency)),
                                                AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, Asset.cash(currency)), price);
                                long returned = 0;
                                long diamonds = 0;
                                List<UUID> reversed = new ArrayList<>();
                                for (FundedGift g : gifts) {
                                    if (!g.reversible()) {
                                        continue;
                                    }
                                    reversed.add(g.id());
                                    returned += g.coins();
                                    diamonds += g.diamonds();
                                    AccountKey pending = AccountKey.user(g.creatorId(), AccountPurpose.DIAMONDS_PENDING, Asset.DIAMOND);
                                    draft.move(AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN), AccountKey.wallet(userId), g.coins());
                                    if (g.diamonds() > 0) {
                                        draft.moveFromSlot(pending, g.slot(), AccountKey.platform(AccountPurpose.DIAMOND_ISSUANCE, Asset.DIAMOND),
                                                g.diamonds());
                                    }
                                    if (g.commission() > 0) {
                                        draft.moveFromSlot(AccountKey.platform(AccountPurpose.COMMISSION, Asset.DIAMOND), g.slot(),
                                                AccountKey.platform(AccountPurpose.DIAMOND_ISSUANCE, Asset.DIAMOND), g.commission());
                                    }
                                }
                                long clawed = Math.min(coins, balance + returned);
                                long debt = coins - clawed;
                                if (clawed > 0) {
                                    draft.move(AccountKey.wallet(userId), AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN), clawed);
                                }
                                if (debt > 0) {
                                    draft.move(AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN),
                                            AccountKey.user(userId, AccountPurpose.COIN_DEBT, Asset.COIN), debt);
                                }
                                long totalDiamonds = diamonds;
                                Reversal reversal = new Reversal(reversalId.toString(), purchaseId.toString(), kind, clawed, debt,
                                        reversed.size(), totalDiamonds, now);
                                // Creators' pending accounts exist (their gifts credited them), so resolving them creates nothing.
                                return ledger.prepare(draft).flatMap(ready -> ledger.post(tx, ready))
                                        .call(entryId -> reversed.isEmpty() ? Uni.createFrom().voidItem()
                                                : tx.preparedQuery("update gift_event set reversed_entry_id = $1 where id = any($2)")
                                                        .execute(Tuple.of(entryId, reversed.toArray(UUID[]::new))).replaceWithVoid())
                                        .call(entryId -> tx.preparedQuery("update purchase set status = $2, updated_at = $3 where id = $1")
                                                .execute(Tuple.of(purchaseId, kind.equals("REFUND") ? "REFUNDED" : "CHARGED_BACK", utc(now))))
                                        .call(entryId -> tx.preparedQuery("update purchase_stats set coins_bought = greatest(0, coins_bought - $3), "
                                                + "money_paid_minor = greatest(0, money_paid_minor - $4) where user_id = $1 and currency = $2")
                                                .execute(Tuple.of(userId, currency, coins, price)))
                                        .call(entryId -> tx.preparedQuery("insert into purchase_reversal (id, purchase_id, kind, coins_clawed_back, "
                                                + "coin_debt, gifts_reversed, diamonds_reversed, actor, entry_id, created_at) "
                                                + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                                                .execute(Tuple.tuple().addUUID(reversalId).addUUID(purchaseId).addString(kind).addLong(clawed)
                                                        .addLong(debt).addInteger(reversed.size()).addLong(totalDiamonds).addString(actor)
                                                        .addLong(entryId).addOffsetDateTime(utc(now))))
                                        .replaceWith(reversal);
                            }));
                });
    }

    private record FundedGift(UUID id, String creatorId, int slot, long coins, long diamonds, long commission, boolean reversible) {
    }

    /** Gifts whose coins came (at least partly) from the purchase, FIFO, locked against maturing meanwhile. */
    private Uni<List<FundedGift>> fundedGifts(SqlConnection tx, long walletId, long purchaseEntry) {
        return tx.preparedQuery("""
                with credits as (
                    select entry_id, amount, sum(amount) over (order by id) - amount as start
                    from posting where account_id = $1 and amount > 0),
                lot as (select start as p0, start + amount as p1 from credits where entry_id = $2),
                spends as (
                    select p.entry_id, -p.amount as coins, sum(-p.amount) over (order by p.id) + p.amount as start
                    from posting p join journal_entry e on e.id = p.entry_id
                    where p.account_id = $1 and p.amount < 0 and e.kind = 'GIFT')
                select s.entry_id from spends s, lot
                where least(s.start + s.coins, lot.p1) > greatest(s.start, lot.p0)
                """).execute(Tuple.of(walletId, purchaseEntry)).flatMap(rows -> {
            List<Long> entries = new ArrayList<>();
            for (Row r : rows) {
                entries.add(r.getLong(0));
            }
            if (entries.isEmpty()) {
                return Uni.createFrom().item(List.<FundedGift>of());
            }
            return tx.preparedQuery("select id, creator_id, slot, coins, diamonds, commission, matured_entry_id, reversed_entry_id "
                    + "from gift_event where entry_id = any($1) order by seq for update")
                    .execute(Tuple.of(entries.toArray(Long[]::new))).map(gifts -> {
                        List<FundedGift> list = new ArrayList<>();
                        for (Row g : gifts) {
                            list.add(new FundedGift(g.getUUID("id"), g.getString("creator_id"), g.getShort("slot"), g.getLong("coins"),
                                    g.getLong("diamonds"), g.getLong("commission"),
                                    g.getLong("matured_entry_id") == null && g.getLong("reversed_entry_id") == null));
                        }
                        return list;
                    });
        });
    }

    private Uni<Reversal> find(SqlConnection tx, UUID id) {
        return tx.preparedQuery("select id, purchase_id, kind, coins_clawed_back, coin_debt, gifts_reversed, diamonds_reversed, created_at "
                + "from purchase_reversal where id = $1").execute(Tuple.of(id)).map(rows -> {
                    Row r = rows.iterator().next();
                    return new Reversal(r.getUUID("id").toString(), r.getUUID("purchase_id").toString(), r.getString("kind"),
                            r.getLong("coins_clawed_back"), r.getLong("coin_debt"), r.getInteger("gifts_reversed"),
                            r.getLong("diamonds_reversed"), r.getOffsetDateTime("created_at").toInstant());
                });
    }


}
