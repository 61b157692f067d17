package com.coinstream.payout;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.db.Transactions;
import com.coinstream.domain.Amounts;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Money;
import com.coinstream.domain.PolicyConfig;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.earnings.DiamondMaturity;
import com.coinstream.identity.Caller;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.EntryDraft;
import com.coinstream.ledger.EntryKind;
import com.coinstream.ledger.Idempotency;
import com.coinstream.ledger.Ledger;
import com.coinstream.metrics.BusinessMetrics;
import com.coinstream.protection.AccountHolds;
import com.coinstream.rates.RateBook;
import com.coinstream.rates.RateCard;
import com.coinstream.webhooks.WebhookOutbox;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Cash-outs. A request converts at the rate in force and moves the diamonds from available to
 * in-payout in one entry; per creator, requests, maturing and reversals run one at a time (advisory
 * lock), so concurrent requests can never overdraw or exceed the daily maximum together.
 */
@ApplicationScoped
public class PayoutService {
    public static final String OPERATION = "requestPayout";
    static final long MAX_DIAMONDS = 1_000_000_000_000L;

    private final Pool pool;
    private final Ledger ledger;
    private final Idempotency idempotency;
    private final PayoutStore store;
    private final PayoutAccounts accounts;
    private final DiamondMaturity maturity;
    private final AccountHolds holds;
    private final RateBook rates;
    private final Clock clock;
    private final long minimumDiamonds;
    private final long dailyMaximum;
    private final Duration paymentWindow;
    private final int adultAge;
    private final AdminAuditLog adminLog;
    private final WebhookOutbox outbox;

    public PayoutService(Pool pool, Ledger ledger, Idempotency idempotency, PayoutStore store, PayoutAccounts accounts,
            DiamondMaturity maturity, AccountHolds holds, RateBook rates, Clock clock, PayoutsConfig config, PolicyConfig policy,
            BusinessMetrics metrics, AdminAuditLog adminLog, WebhookOutbox outbox) {
        this.outbox = outbox;
        this.adminLog = adminLog;
        this.metrics = metrics;
        this.pool = pool;
        this.ledger = ledger;
        this.idempotency = idempotency;
        this.store = store;
        this.accounts = accounts;
        this.maturity = maturity;
        this.holds = holds;
        this.rates = rates;
        this.clock = clock;
        this.minimumDiamonds = config.minimumDiamonds();
        this.dailyMaximum = config.dailyMaximum();
        this.paymentWindow = Duration.ofDays(config.paymentDays());
        this.adultAge = policy.adultAge();
    }

    private final BusinessMetrics metrics;

    public Uni<Payout> request(Caller creator, BigInteger requested, String payoutAccountId, String idempotencyKey) {
        String key = Idempotency.validKey(idempotencyKey);
        long diamonds = Amounts.within(requested, 1, MAX_DIAMONDS, ErrorCode.INVALID_AMOUNT, "diamonds", "input", "diamonds");
        UUID accountId = PayoutAccounts.parse(payoutAccountId);
        String hash = Idempotency.fingerprint(OPERATION, diamonds, accountId);
        // A replay answers with the original payout whatever has changed since (age, verification, rates, maturity).
        return idempotency.previous(pool, creator.userId(), key, OPERATION, hash).flatMap(previous -> previous.isPresent()
                ? store.find(pool, previous.get().resultId(), false).map(p -> p.orElseThrow())
                : newRequest(creator, diamonds, accountId, key, hash));
    }

    private Uni<Payout> newRequest(Caller creator, long diamonds, UUID accountId, String key, String hash) {
        if (!creator.isAdult(clock, adultAge)) {
            throw new Refusal(ErrorCode.AGE_RESTRICTED, "Cashing out requires a verified age of " + adultAge + " or over");
        }
        if (diamonds < minimumDiamonds) {
            throw new Refusal(ErrorCode.BELOW_PAYOUT_THRESHOLD, "The minimum payout is " + minimumDiamonds + " diamonds", "input",
                    "diamonds");
        }
        Instant now = clock.instant();
        RateCard card = rates.current(now);
        String currency = card.payoutCurrency(creator.region());
        Money amount;
        try {
            amount = card.cashValue(diamonds, currency)
                    .orElseThrow(() -> new Refusal(ErrorCode.INVALID_STATE, "Diamonds cannot be paid out in " + currency));
        } catch (ArithmeticException e) { // (worth more minor units than a long holds: no balance is that large)
            throw new Refusal(ErrorCode.INVALID_AMOUNT, "diamonds: more than one payout can carry at the current diamond value", "input",
                    "diamonds");
        }
        AccountKey available = AccountKey.user(creator.userId(), AccountPurpose.DIAMONDS_AVAILABLE, Asset.DIAMOND);
        AccountKey inPayout = AccountKey.user(creator.userId(), AccountPurpose.DIAMONDS_IN_PAYOUT, Asset.DIAMOND);
        UUID payoutId = UUID.randomUUID();
        EntryDraft draft = EntryDraft.of(EntryKind.PAYOUT, payoutId, now).rateVersion(card.version()).memo("Payout requested")
                .move(available, inPayout, diamonds);
        Payout payout = new Payout(payoutId, 0, creator.userId(), accountId, payoutId.toString(), PayoutStatus.REQUESTED, diamonds, amount,
                card.version(), now, now.plus(paymentWindow), null, null);
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        DailyMaximum maximum = new DailyMaximum(day, card, amount, PayoutPolicy.maximumDiamonds(card, dailyMaximum));
        return accounts.of(creator.userId())
                .invoke(owned -> {
                    var account = owned.stream().filter(a -> a.id.equals(accountId)).findFirst()
                            .orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "No such payout account", "input", "payoutAccountId"));
                    if (!account.verified) {
                        throw new Refusal(ErrorCode.PAYOUT_ACCOUNT_UNVERIFIED, "This payout account is not verified yet", "input",
                                "payoutAccountId");
                    }
                })
                .flatMap(ok -> maturity.mature(creator.userId()))
                .flatMap(matured -> ledger.prepare(draft))
                // the owner's lock first (as a reversal and a hold take it, then the diamonds'): a hold placed, or a coin debt
                // booked, while this request runs is either seen by its checks or waits for it to commit
                .flatMap(ready -> Transactions.retrying(pool, tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, creator.userId())
                        .flatMap(v -> DiamondMaturity.lock(tx, creator.userId()))
                        .flatMap(v -> idempotency.claim(tx, creator.userId(), key, OPERATION, hash, payoutId, now))
                        .flatMap(claim -> claim.outcome() == Idempotency.Outcome.REPLAY
                                ? store.find(tx, claim.resultId(), false).map(p -> p.orElseThrow())
                                : checks(tx, creator.userId(), diamonds, available, maximum)
                                        // verified as of now: a refusal of the account committed since the read above is
                                        // seen (an admin's decision holds the account's row until it commits)
                                        .call(v -> tx.preparedQuery("select verified from payout_account where id = $1 and owner_id = $2 for share")
                                                .execute(Tuple.of(accountId, creator.userId())).invoke(rows -> {
                                                    if (!rows.iterator().hasNext() || !rows.iterator().next().getBoolean(0)) {
                                                        throw new Refusal(ErrorCode.PAYOUT_ACCOUNT_UNVERIFIED, "This payout account is not verified",
                                                                "input", "payoutAccountId");
                                                    }
                                                }))
                                        .flatMap(v -> ledger.post(tx, ready))
                                        .call(entryId -> store.insert(tx, payout, day, entryId))
                                        .call(entryId -> store.transition(tx, payoutId, null, PayoutStatus.REQUESTED, creator.userId(), null, now))
                                        .flatMap(entryId -> store.find(tx, payoutId, false).map(p -> p.orElseThrow()))
                                        .call(p -> outbox.emit(tx, payoutEvent(WebhookOutbox.PAYOUT_REQUESTED, p)))
                                        .invoke(p -> metrics.payout(PayoutStatus.REQUESTED.name())))));
    }

    /** The daily maximum in diamonds ({@link PayoutPolicy#maximumDiamonds}), for the UTC day of the request; its cash {@code amount}. */
    private record DailyMaximum(LocalDate day, RateCard card, Money amount, long maximumDiamonds) {
    }

    private Uni<Void> checks(SqlConnection tx, String creatorId, long diamonds, AccountKey available, DailyMaximum maximum) {
        String currency = maximum.amount().getCurrency();
        return holds.requireNotOnHold(tx, creatorId)
                .flatMap(v -> ledger.balance(tx, AccountKey.user(creatorId, AccountPurpose.COIN_DEBT, Asset.COIN)))
                .flatMap(debt -> {
                    if (debt > 0) {
                        throw new Refusal(ErrorCode.COIN_DEBT_OUTSTANDING, "You owe " + debt + " coins from a refunded purchase");
                    }
                    return ledger.balance(tx, available);
                })
                .flatMap(balance -> {
                    if (balance < diamonds) {
                        throw new Refusal(ErrorCode.INSUFFICIENT_DIAMONDS, "Only " + balance + " diamonds are available to cash out",
                                "input", "diamonds");
                    }
                    return store.diamondsRequestedOn(tx, creatorId, maximum.day());
                })
                .map(today -> {
                    // The maximum is the creator's, in diamonds, whatever currency their token's region gives them
                    if (today + diamonds > maximum.maximumDiamonds()) {
                        long left = Math.max(0, maximum.maximumDiamonds() - today);
                        throw new Refusal(ErrorCode.PAYOUT_LIMIT_EXCEEDED, "Payouts are limited to " + maximum.maximumDiamonds() + " diamonds per day (UTC), "
                                + "worth " + maximum.card().cashValue(maximum.maximumDiamonds(), currency).map(m -> m.getAmount() + " " + currency).orElse("")
                                + "; " + left + " diamonds left today", "input", "diamonds");
                    }
                    return null;
                });
    }

    public enum Action {
        APPROVE(List.of(PayoutStatus.REQUESTED), PayoutStatus.APPROVED),
        // (only a payout not yet approved: an approved one may have left the bank, and a rejection sent from a queue read
        // before another admin's approval would give its diamonds back to be paid out again; one approved and not sent is
        // closed as FAILED, with its reason)
        REJECT(List.of(PayoutStatus.REQUESTED), PayoutStatus.REJECTED),
        MARK_PAID(List.of(PayoutStatus.APPROVED), PayoutStatus.PAID),
        MARK_FAILED(List.of(PayoutStatus.APPROVED), PayoutStatus.FAILED);

        final List<PayoutStatus> from;
        final PayoutStatus to;

        Action(List<PayoutStatus> from, PayoutStatus to) {
            this.from = from;
            this.to = to;
        }
    }

    /**
     * An admin moves a payout along its lifecycle; illegal transitions are refused with INVALID_STATE. The same admin's
     * same request again once it is done (its answer lost, say) is a replay: the payout as it is, nothing moved or recorded
     * again. The same move by another admin, or with another reference or reason, is refused, as any other move from where
     * the payout now is (and recorded as refused).
     */
    public Uni<Payout> transition(Caller admin, String payoutId, Action action, String note, AuditDraft audit) {
        UUID id = Ids.require(payoutId, "No such payout", "input", "payoutId");
        if (note != null) {
            Text.require(note, 500, true, "reason or reference", "input");
        }
        if ((action == Action.MARK_PAID || action == Action.REJECT || action == Action.MARK_FAILED) && (note == null || note.isBlank())) {
            throw new Refusal(ErrorCode.INVALID_INPUT, action == Action.MARK_PAID ? "externalReference is required" : "reason is required",
                    "input");
        }
        Instant now = clock.instant();
        return store.find(id).flatMap(found -> {
            Payout p = found.orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "No such payout", "input", "payoutId"));
            if (p.creatorId().equals(admin.userId())) {
                throw new Refusal(ErrorCode.FORBIDDEN, "Nobody may move their own payout", "input", "payoutId");
            }
            EntryDraft closing = closingEntry(p, action, now);
            Uni<Ledger.ReadyEntry> prepared = closing == null ? Uni.createFrom().nullItem() : ledger.prepare(closing);
            // approving sends money towards a creator: not while their account is on hold, read under the owner lock that a
            // hold takes (a hold placed after the payout was requested stops it here). One approved already may have left the
            // bank: marking it paid records that fact, and failing it gives the diamonds back; both stay open.
            boolean paysOut = action == Action.APPROVE;
            return prepared.flatMap(ready -> Transactions.retrying(pool, tx -> (paysOut
                    ? AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, p.creatorId()) : Uni.createFrom().voidItem())
                    .flatMap(v -> DiamondMaturity.lock(tx, p.creatorId()))
                    .flatMap(v -> store.find(tx, id, true)).call(v -> adminLog.before(tx, audit)).flatMap(current -> {
                        Payout locked = current.orElseThrow();
                        // (the same admin's move with the same reference or reason: a payment's reference and a refusal's
                        // reason as the payout holds them, an approval's as its move's record does)
                        // (or the payout has moved on since: another admin marked it paid after this one's approval, whose
                        // answer was lost; the move this admin asked for was made, by them, with this note, as its record says)
                        // (only where the payout went on from that move: an approval then paid, not one rejected or failed since,
                        // which the approval would misreport as a success)
                        boolean onFromIt = locked.state() == action.to || (action == Action.APPROVE && locked.state() == PayoutStatus.PAID);
                        Uni<Boolean> replay = !onFromIt ? Uni.createFrom().item(false)
                                : store.lastMove(tx, id, action.to).map(move -> move != null && admin.userId().equals(move.actor())
                                && java.util.Objects.equals(note, locked.state() != action.to ? move.reason() : switch (action) {
                                    case APPROVE -> move.reason();
                                    case MARK_PAID -> locked.externalReference();
                                    default -> locked.reason();
                                }));
                        return replay.flatMap(again -> {
                            if (again) {
                                return adminLog.replayed(audit).replaceWith(locked);
                            }
                            if (!action.from.contains(locked.state())) {
                                throw new Refusal(ErrorCode.INVALID_STATE, "A " + locked.state() + " payout cannot become " + action.to,
                                        "input", "payoutId");
                            }
                            Uni<Void> payable = paysOut ? payable(tx, locked)
                                    : action == Action.MARK_PAID ? store.referenceUnused(tx, note) : Uni.createFrom().voidItem();
                            Uni<Long> entry = payable.flatMap(v -> ready == null ? Uni.createFrom().nullItem() : ledger.post(tx, ready));
                            return entry.call(entryId -> store.close(tx, id, action.to, action == Action.MARK_PAID ? note : null,
                                    action == Action.MARK_PAID ? null : note, entryId))
                                    .call(entryId -> store.transition(tx, id, locked.state(), action.to, admin.userId(), note, now))
                                    .flatMap(entryId -> store.find(tx, id, false).map(x -> x.orElseThrow()))
                                    .call(x -> action == Action.MARK_PAID ? outbox.emit(tx, payoutEvent(WebhookOutbox.PAYOUT_PAID, x))
                                            : action == Action.MARK_FAILED ? outbox.emit(tx, payoutEvent(WebhookOutbox.PAYOUT_FAILED, x))
                                            : Uni.createFrom().voidItem())
                                    .call(x -> adminLog.append(tx, audit))
                                    .invoke(x -> metrics.payout(action.to.name()));
                        });
                    })));
        });
    }

    /**
     * What a request checked, checked again when the money is sent on its way (under the owner lock that a hold and a coin
     * debt take, and the account's row shared against an admin's decision): an account on hold, a coin debt booked since
     * (a refund of the creator's own purchase), a payout account an admin has refused since, or a birthdate corrected
     * since to an age under the rule's, stops the approval. The
     * payout stays REQUESTED: approved once cleared, or rejected.
     */
    private Uni<Void> payable(SqlConnection tx, Payout p) {
        String then = ": the payout can be approved once that is cleared, or rejected";
        return holds.requireNotOnHold(tx, p.creatorId())
                .onFailure(Refusal.class).transform(e -> ((Refusal) e).code() == ErrorCode.ACCOUNT_ON_HOLD
                        ? new Refusal(ErrorCode.ACCOUNT_ON_HOLD, "The creator's account is on hold" + then, "input", "payoutId") : e)
                .flatMap(v -> ledger.balance(tx, AccountKey.user(p.creatorId(), AccountPurpose.COIN_DEBT, Asset.COIN)))
                .flatMap(debt -> {
                    if (debt > 0) {
                        throw new Refusal(ErrorCode.COIN_DEBT_OUTSTANDING, "The creator owes " + debt + " coins from a refunded purchase" + then,
                                "input", "payoutId");
                    }
                    return tx.preparedQuery("select verified from payout_account where id = $1 for share").execute(Tuple.of(p.payoutAccountId()));
                })
                .invoke(rows -> {
                    if (!rows.iterator().hasNext() || !rows.iterator().next().getBoolean(0)) {
                        throw new Refusal(ErrorCode.PAYOUT_ACCOUNT_UNVERIFIED, "The payout account is no longer verified" + then, "input",
                                "payoutId");
                    }
                })
                // the age as the creator's row holds it now (the newest token's birthdate, V55): one corrected since the
                // request to an age under the rule's stops the money too
                .flatMap(v -> tx.preparedQuery("select birthdate from app_user where id = $1").execute(Tuple.of(p.creatorId())))
                .invoke(rows -> {
                    java.time.LocalDate born = rows.iterator().hasNext() ? rows.iterator().next().getLocalDate(0) : null;
                    if (!com.coinstream.identity.Caller.isAdult(java.util.Optional.ofNullable(born), clock.instant(), adultAge)) {
                        throw new Refusal(ErrorCode.AGE_RESTRICTED, "The creator's recorded age is under " + adultAge + then, "input",
                                "payoutId");
                    }
                }).replaceWithVoid();
    }

    private WebhookOutbox.Event payoutEvent(String type, Payout p) {
        return new WebhookOutbox.Event(type, UUID.randomUUID(), clock.instant(), p.creatorId(), null, null, new JsonObject()
                .put("payoutId", p.id()).put("creatorId", p.creatorId()).put("status", p.getStatus()).put("diamonds", p.diamonds())
                .put("amount", WebhookOutbox.money(p.amount())).put("requestedAt", p.requestedAt().toString())
                .put("externalReference", p.externalReference()).put("reason", p.reason()));
    }

    /** Paid: the diamonds are retired and the cash recorded; rejected or failed: the diamonds go back to available. */
    private static EntryDraft closingEntry(Payout p, Action action, Instant now) {
        AccountKey inPayout = AccountKey.user(p.creatorId(), AccountPurpose.DIAMONDS_IN_PAYOUT, Asset.DIAMOND);
        return switch (action) {
            case APPROVE -> null;
            case REJECT, MARK_FAILED -> EntryDraft.of(EntryKind.PAYOUT_REVERSAL, p.uuid(), now).rateVersion(p.rateVersion())
                    .memo("Payout " + action.to.name().toLowerCase() + ": diamonds returned to available")
                    .move(inPayout, AccountKey.user(p.creatorId(), AccountPurpose.DIAMONDS_AVAILABLE, Asset.DIAMOND), p.diamonds());
            case MARK_PAID -> {
                EntryDraft paid = EntryDraft.of(EntryKind.PAYOUT_PAID, p.uuid(), now).rateVersion(p.rateVersion()).memo("Payout paid")
                        .move(inPayout, AccountKey.platform(AccountPurpose.DIAMOND_ISSUANCE, Asset.DIAMOND), p.diamonds());
                if (p.amount().minorUnits() > 0) {
                    String cur = p.amount().getCurrency();
                    paid.move(AccountKey.platform(AccountPurpose.PAYOUT_CLEARING, Asset.cash(cur)),
                            AccountKey.user(p.creatorId(), AccountPurpose.CASHED_OUT, Asset.cash(cur)), p.amount().minorUnits());
                }
                yield paid;
            }
        };
    }
}
