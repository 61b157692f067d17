package com.coinstream.purchase;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.db.Transactions;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Refusal;
import com.coinstream.earnings.DiamondMaturity;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.EntryDraft;
import com.coinstream.ledger.EntryKind;
import com.coinstream.ledger.Idempotency;
import com.coinstream.ledger.Ledger;
import com.coinstream.wallet.WalletFeed;
import com.coinstream.webhooks.WebhookOutbox;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Refunds and chargebacks, in one REVERSAL entry, under the buyer's owner lock (so no gift, purchase or
 * grant of theirs commits meanwhile, on any instance):
 * <ol>
 * <li>the cash goes back (FUNDING to PAYMENT_CLEARING);</li>
 * <li>gifts funded by the purchase (see {@link FundingLots} for the attribution rule) that are still
 * reversible are reversed: coins back to the wallet, diamonds and commission back to issuance, from the
 * exact slot rows they credited. A gift is reversible until its diamonds mature (a gift that credited no
 * diamonds: until its hold period ends);</li>
 * <li>the purchase's coins are clawed back from the wallet, as far as it goes;</li>
 * <li>the shortfall becomes COIN_DEBT, which blocks gifting and payouts until a later purchase settles it. For a buyer
 * erased before the reversal nobody can repay it: the coins they forfeited at erasure are retired first
 * (FORFEITED_COINS to issuance), and the rest is written off to DEBT_WRITTEN_OFF.</li>
 * </ol>
 * A refund the provider reports before the payment succeeded closes the purchase uncredited: no coins
 * are ever credited for it, and no entry is written.
 */
@ApplicationScoped
public class PurchaseReversals {
    private static final Logger LOG = Logger.getLogger(PurchaseReversals.class);
    private final Pool pool;
    private final Ledger ledger;
    private final Idempotency idempotency;
    private final ReversalStore store;
    private final Clock clock;
    private final Duration hold;
    private final WalletFeed walletFeed;
    private final AdminAuditLog adminLog;
    private final WebhookOutbox outbox;

    public PurchaseReversals(Pool pool, Ledger ledger, Idempotency idempotency, ReversalStore store, Clock clock,
            DiamondMaturity maturity, WalletFeed walletFeed, AdminAuditLog adminLog, WebhookOutbox outbox) {
        this.outbox = outbox;
        this.adminLog = adminLog;
        this.pool = pool;
        this.ledger = ledger;
        this.idempotency = idempotency;
        this.store = store;
        this.clock = clock;
        this.hold = maturity.hold();
        this.walletFeed = walletFeed;
    }

    /** What a reversal is about: the purchase, its buyer and the accounts its entry touches. */
    private record Subject(UUID purchaseId, String kind, String userId, String currency, Map<AccountKey, Long> ids, UUID reversalId,
            Instant at) {
        AccountKey wallet() {
            return AccountKey.wallet(userId);
        }
    }

    /** The reversal, and whether this call applied it (false for a replay). */
    private record Applied(Reversal reversal, boolean now) {
    }

    /** An admin's refund or chargeback of a completed purchase. */
    public Uni<Reversal> reverse(String actor, String purchaseIdText, String kind, String idempotencyKey, AuditDraft audit) {
        return reverse(actor, purchaseIdText, kind, Idempotency.validKey(idempotencyKey), false, audit);
    }

    /**
     * The provider's refund or dispute (its event id deduplicates, so no key). A purchase still PENDING is
     * closed uncredited: providers may report the refund before the success.
     */
    public Uni<Reversal> reverseForProvider(String actor, UUID purchaseId, String kind) {
        return reverse(actor, purchaseId.toString(), kind, null, true, null);
    }

    private Uni<Reversal> reverse(String actor, String purchaseIdText, String kind, String key, boolean fromProvider, AuditDraft audit) {
        if (!"REFUND".equals(kind) && !"CHARGEBACK".equals(kind)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "kind must be REFUND or CHARGEBACK", "input", "kind");
        }
        UUID purchaseId = Ids.require(purchaseIdText, "No such purchase", "input", "purchaseId");
        String hash = Idempotency.fingerprint("reversePurchase", purchaseId, kind);
        return store.buyer(pool, purchaseId).flatMap(buyer -> {
            String[] b = buyer.orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "No such purchase", "input", "purchaseId"));
            String userId = b[0];
            String currency = b[1];
            if (!fromProvider && userId.equals(actor)) {
                // (as grants, holds and payouts: an admin's own money is another admin's to move)
                throw new Refusal(ErrorCode.FORBIDDEN, "Nobody may reverse their own purchase", "input", "purchaseId");
            }
            List<AccountKey> keys = List.of(AccountKey.wallet(userId), AccountKey.user(userId, AccountPurpose.COIN_DEBT, Asset.COIN),
                    AccountKey.platform(AccountPurpose.FORFEITED_COINS, Asset.COIN), AccountKey.platform(AccountPurpose.DEBT_WRITTEN_OFF, Asset.COIN),
                    AccountKey.user(userId, AccountPurpose.FUNDING, Asset.cash(currency)),
                    AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, Asset.cash(currency)),
                    AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN),
                    AccountKey.platform(AccountPurpose.DIAMOND_ISSUANCE, Asset.DIAMOND),
                    AccountKey.platform(AccountPurpose.COMMISSION, Asset.DIAMOND));
            return ledger.accounts().ids(keys).flatMap(ids -> Transactions.retrying(pool, tx -> {
                Subject s = new Subject(purchaseId, kind, userId, currency, ids, UUID.randomUUID(), clock.instant());
                return AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, userId)
                        .call(v -> adminLog.before(tx, audit))
                        .flatMap(v -> key == null ? Uni.createFrom().item(new Idempotency.Claim(Idempotency.Outcome.NEW, s.reversalId()))
                                : idempotency.claim(tx, actor, key, "reversePurchase", hash, s.reversalId(), s.at()))
                        .flatMap(c -> c.outcome() == Idempotency.Outcome.REPLAY
                                ? store.find(tx, c.resultId()).map(found -> new Applied(found, false))
                                : apply(tx, actor, s, fromProvider).map(done -> new Applied(done, true)))
                        .call(a -> a.now() ? outbox.emit(tx, new WebhookOutbox.Event(WebhookOutbox.PURCHASE_REVERSED, UUID.randomUUID(), s.at(),
                                null, null, null, new JsonObject().put("reversalId", a.reversal().id()).put("purchaseId", purchaseId.toString())
                                        .put("userId", userId).put("kind", kind).put("coinsClawedBack", a.reversal().coinsClawedBack())
                                        .put("coinDebt", a.reversal().coinDebt()).put("giftsReversed", a.reversal().giftsReversed())
                                        .put("diamondsReversed", a.reversal().diamondsReversed()))) : Uni.createFrom().voidItem())
                        .call(a -> a.now() ? adminLog.append(tx, audit) : adminLog.replayed(audit));
            })).invoke(applied -> {
                if (applied.now()) {
                    walletFeed.changed(userId);
                }
            }).map(Applied::reversal);
        });
    }

    private Uni<Reversal> apply(SqlConnection tx, String actor, Subject s, boolean fromProvider) {
        return store.lockPurchase(tx, s.purchaseId()).flatMap(p -> {
            if (Purchase.SUCCEEDED.equals(p.status())) {
                return reverseCredited(tx, actor, s, p);
            }
            // (a provider's refund or dispute of a purchase never credited, PENDING or FAILED, closes it, so a success that
            // arrives after it, providers promising no order, finds nothing to credit: a FAILED one, no longer final, was
            // answered "ignored" and then credited by a late success for money already refunded)
            if ((Purchase.PENDING.equals(p.status()) || Purchase.FAILED.equals(p.status())) && fromProvider) {
                Reversal closed = new Reversal(s.reversalId().toString(), s.purchaseId().toString(), s.kind(), 0, 0, 0, 0, s.at(), 0, 0, 0);
                return store.close(tx, s.purchaseId(), closedStatus(s.kind()), s.userId(), s.currency(), false, 0, 0, s.at())
                        .call(() -> store.insert(tx, closed, actor, null)).replaceWith(closed);
            }
            throw new Refusal(ErrorCode.INVALID_STATE, "REFUNDED".equals(p.status()) || "CHARGED_BACK".equals(p.status())
                    ? "This purchase was already reversed" : "Only a completed purchase can be reversed", "input", "purchaseId");
        });
    }

    private Uni<Reversal> reverseCredited(SqlConnection tx, String actor, Subject s, ReversalStore.LockedPurchase p) {
        long walletId = s.ids().get(s.wallet());
        return store.lots(tx, walletId, s.userId()).flatMap(lots -> store.lockGifts(tx, lots.giftsFundedBy(s.purchaseId()))
                .flatMap(funded -> ledger.balance(tx, s.wallet()).flatMap(balance -> {
                    if (lots.balance() != balance || lots.unfunded() != 0) {
                        LOG.warnf("wallet history of purchase %s does not replay to its balance (%d by lots, %d stored, %d unfunded)",
                                s.purchaseId(), lots.balance(), balance, lots.unfunded());
                    }
                    List<ReversalStore.FundedGift> reversed = funded.stream().filter(g -> reversible(g, s.at())).toList();
                    List<String> creators = reversed.stream().map(ReversalStore.FundedGift::creatorId).distinct().toList();
                    return store.pendingAccounts(tx, creators).flatMap(pending -> store.forfeitLeftIfErased(tx, s.userId())
                            .flatMap(erased -> post(tx, actor, s, p, balance, reversed, pending, erased)));
                })));
    }

    private Uni<Reversal> post(SqlConnection tx, String actor, Subject s, ReversalStore.LockedPurchase p, long balance,
            List<ReversalStore.FundedGift> reversed, Map<String, Long> pendingIds, OptionalLong erasedForfeitLeft) {
        Map<AccountKey, Long> ids = new HashMap<>(s.ids());
        EntryDraft draft = EntryDraft.of(EntryKind.REVERSAL, s.reversalId(), s.at())
                // (no purchase id: the memo is on every line of the entry, each creator's too, and one id on the lines of two
                // creators would tie a named gift to an anonymous one; the viewer's receipts name the purchase)
                .memo(s.kind().equals("REFUND") ? "Refund of a purchase" : "Chargeback of a purchase")
                .move(AccountKey.user(s.userId(), AccountPurpose.FUNDING, Asset.cash(s.currency())),
                        AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, Asset.cash(s.currency())), p.priceMinor());
        AccountKey issuance = AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN);
        AccountKey diamondIssuance = AccountKey.platform(AccountPurpose.DIAMOND_ISSUANCE, Asset.DIAMOND);
        long returned = 0;
        long diamonds = 0;
        for (ReversalStore.FundedGift g : reversed) {
            returned += g.coins();
            diamonds += g.diamonds();
            draft.move(issuance, s.wallet(), g.coins());
            if (g.diamonds() > 0) {
                AccountKey creatorPending = AccountKey.user(g.creatorId(), AccountPurpose.DIAMONDS_PENDING, Asset.DIAMOND);
                ids.put(creatorPending, pendingIds.get(g.creatorId()));
                draft.moveFromSlot(creatorPending, g.slot(), diamondIssuance, g.diamonds());
            }
            if (g.commission() > 0) {
                draft.moveFromSlot(AccountKey.platform(AccountPurpose.COMMISSION, Asset.DIAMOND), g.slot(), diamondIssuance, g.commission());
            }
        }
        long clawed = Math.min(p.coins(), balance + returned);
        long debt = p.coins() - clawed;
        if (clawed > 0) {
            draft.move(s.wallet(), issuance, clawed);
        }
        long retired = 0;
        long writtenOff = 0;
        if (debt > 0 && erasedForfeitLeft.isPresent()) {
            // nobody can repay a debt of an erased person: the coins they forfeited are retired first, the rest written off
            retired = Math.min(debt, erasedForfeitLeft.getAsLong());
            writtenOff = debt - retired;
            debt = 0;
            if (retired > 0) {
                draft.move(AccountKey.platform(AccountPurpose.FORFEITED_COINS, Asset.COIN), issuance, retired);
            }
            if (writtenOff > 0) {
                draft.move(issuance, AccountKey.platform(AccountPurpose.DEBT_WRITTEN_OFF, Asset.COIN), writtenOff);
            }
        }
        long forfeited = 0;
        if (erasedForfeitLeft.isPresent() && balance + returned - clawed > 0) {
            // gifts funded partly by this purchase return all their coins: what the clawback leaves would sit in a wallet
            // nobody can use, so it is forfeited with the rest of the person's coins
            forfeited = balance + returned - clawed;
            draft.move(s.wallet(), AccountKey.platform(AccountPurpose.FORFEITED_COINS, Asset.COIN), forfeited);
        }
        if (debt > 0) {
            draft.move(issuance, AccountKey.user(s.userId(), AccountPurpose.COIN_DEBT, Asset.COIN), debt);
        }
        Reversal reversal = new Reversal(s.reversalId().toString(), s.purchaseId().toString(), s.kind(), clawed, debt, reversed.size(),
                diamonds, s.at(), retired, writtenOff, forfeited);
        List<UUID> giftIds = reversed.stream().map(ReversalStore.FundedGift::id).toList();
        return ledger.post(tx, ledger.prepared(draft, ids))
                .call(entryId -> store.markGiftsReversed(tx, entryId, giftIds))
                .call(entryId -> store.close(tx, s.purchaseId(), closedStatus(s.kind()), s.userId(), s.currency(), true, p.coins(),
                        p.priceMinor(), s.at()))
                .call(entryId -> store.insert(tx, reversal, actor, entryId))
                .replaceWith(reversal);
    }

    /** Until its diamonds mature; a gift that credited none is final once its hold period is over. */
    private boolean reversible(ReversalStore.FundedGift g, Instant now) {
        return !g.matured() && !g.reversed() && (g.diamonds() > 0 || g.createdAt().isAfter(now.minus(hold)));
    }

    private static String closedStatus(String kind) {
        return kind.equals("REFUND") ? "REFUNDED" : "CHARGED_BACK";
    }
}
