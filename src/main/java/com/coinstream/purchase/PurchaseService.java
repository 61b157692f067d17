package com.coinstream.purchase;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.db.AdvisoryLocks;
import com.coinstream.db.Contexts;
import com.coinstream.db.Transactions;
import com.coinstream.domain.Amounts;
import com.coinstream.domain.BadInput;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Money;
import com.coinstream.domain.PolicyConfig;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
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
import com.coinstream.wallet.WalletFeed;
import com.coinstream.webhooks.WebhookOutbox;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Buying coins. A purchase is recorded PENDING first (with its idempotency key), then charged, then
 * settled. Settlement is a conditional PENDING -> SUCCEEDED update in the same transaction as the ledger
 * entry, so the synchronous confirmation and the webhook can race and the coins are credited once.
 */
@ApplicationScoped
public class PurchaseService {
    private static final Logger LOG = Logger.getLogger(PurchaseService.class);
    private static final int MAX_TOKEN_LENGTH = 200;

    private final Pool pool;
    private final Ledger ledger;
    private final Idempotency idempotency;
    private final PurchaseStore store;
    private final CoinPackages packages;
    private final RateBook rates;
    private final PaymentSettings payments;
    private final AccountHolds holds;
    private final BusinessMetrics metrics;
    private final Clock clock;
    private final long maxCoins;
    private final int adultAge;
    private final WalletFeed walletFeed;
    private final WebhookOutbox outbox;

    public PurchaseService(Pool pool, Ledger ledger, Idempotency idempotency, PurchaseStore store, CoinPackages packages,
            RateBook rates, PaymentSettings payments, Clock clock, PurchaseConfig config, PolicyConfig policy, AccountHolds holds,
            WalletFeed walletFeed, BusinessMetrics metrics, WebhookOutbox outbox) {
        this.outbox = outbox;
        this.metrics = metrics;
        this.walletFeed = walletFeed;
        this.holds = holds;
        this.pool = pool;
        this.ledger = ledger;
        this.idempotency = idempotency;
        this.store = store;
        this.packages = packages;
        this.rates = rates;
        this.payments = payments;
        this.clock = clock;
        this.maxCoins = config.maxCoins();
        this.adultAge = policy.adultAge();
    }

    public record PurchaseRequest(UUID packageId, BigInteger coins, String paymentMethodToken, String idempotencyKey) {
    }

    private record Quote(UUID packageId, long coins, Money price) {
    }

    public Uni<Purchase> purchase(Caller caller, PurchaseRequest request) {
        String key = Idempotency.validKey(request.idempotencyKey());
        if ((request.packageId() == null) == (request.coins() == null)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "Give exactly one of packageId or coins", "input", "packageId");
        }
        Long customCoins = request.coins() == null ? null
                : Amounts.within(request.coins(), 1, maxCoins, ErrorCode.INVALID_AMOUNT, "coins", "input", "coins");
        String token = request.paymentMethodToken();
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH
                || !Text.printable(token, false)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "paymentMethodToken must be 1-" + MAX_TOKEN_LENGTH + " printable characters",
                    "input", "paymentMethodToken");
        }
        String hash = Idempotency.fingerprint("purchaseCoins", request.packageId(), customCoins, token);
        // A replay answers with the original purchase whatever has changed since (a hold, the package retired):
        // the client was charged, and must not be told otherwise.
        return idempotency.previous(pool, caller.userId(), key, "purchaseCoins", hash).flatMap(previous -> previous.isPresent()
                ? replay(previous.get().resultId(), token, System.nanoTime() + REPLAY_WAIT.toNanos())
                : newPurchase(caller, request.packageId(), customCoins, token, key, hash));
    }

    /** How long a replay waits for the original request's charge to finish (see {@link #replay}). */
    static final java.time.Duration REPLAY_WAIT = java.time.Duration.ofSeconds(10);

    /**
     * What a replay answers: the purchase as the original request answers it. While the original's charge is still
     * running (PENDING, no provider reference yet) a replay waits for it, reading again every 50 ms, for at most
     * {@link #REPLAY_WAIT}: a twin racing the original would otherwise answer PENDING where the original answers
     * SUCCEEDED or FAILED, and a client that believed it might buy again under a new key. (A charge the provider itself
     * left pending, pm_async, has its reference: that PENDING is the answer.) A charge still without an outcome after
     * that wait was cut off (its instance stopped, or its settlement failed, after the purchase was recorded): the replay
     * takes it up, charging again with the same purchase id, which the processor takes as the same charge
     * (PaymentGateway), and settling as the original would have (settling is once only, however many race).
     */
    private Uni<Purchase> replay(UUID id, String token, long deadline) {
        return store.chargeRunning(pool, id).flatMap(running -> !running ? find(id)
                : System.nanoTime() < deadline
                        ? Contexts.onCallersContext(Uni.createFrom().voidItem().onItem().delayIt().by(java.time.Duration.ofMillis(50)))
                                .flatMap(v -> replay(id, token, deadline))
                        : takeUp(id, token));
    }

    /**
     * The most time after a purchase was recorded that a replay takes up its cut-off charge: a processor keeps its
     * idempotency keys for a day or so (Stripe: 24 hours), after which a charge again could be a second capture.
     */
    static final java.time.Duration TAKE_UP_WITHIN = java.time.Duration.ofHours(23);

    /**
     * A cut-off charge taken up by a replay: only while it is still as the cut-off left it (PENDING, no reference: another
     * replay may have taken it up meanwhile), recent enough for the processor to know it as the same charge, and its
     * person not on hold (a hold placed since, on a stolen card say, refuses it: ACCOUNT_ON_HOLD). Otherwise the purchase
     * as it stands.
     */
    private Uni<Purchase> takeUp(UUID id, String token) {
        return find(id).flatMap(cutOff -> {
            if (cutOff.createdAt().isBefore(clock.instant().minus(TAKE_UP_WITHIN))) {
                LOG.warnf("purchase %s: its charge was cut off more than %s ago; not charged again (reconcile it with the processor)",
                        id, TAKE_UP_WITHIN);
                return Uni.createFrom().item(cutOff);
            }
            return store.chargeRunning(pool, id).flatMap(still -> !still ? find(id)
                    : holds.requireNotOnHold(cutOff.userId()).flatMap(v -> charged(cutOff, token)));
        });
    }

    /**
     * The charge of a recorded purchase and its outcome, as the purchase then stands. A fault after the purchase was
     * recorded (the processor unreachable, the settlement's transaction lost) answers it as it stands, PENDING, not as an
     * error: it committed, and a replay of the same request takes it up.
     */
    private Uni<Purchase> charged(Purchase pending, String token) {
        // (every failure: nothing the charge or its settlement meets is the request's fault, and a coded one, a lost
        // race after its retries say, would tell the client to buy again under a new key)
        return charge(pending, token).onFailure().recoverWithUni(e -> {
            LOG.warnf(e, "purchase %s: its charge or settlement failed after it was recorded; it stays PENDING until a replay "
                    + "of the request takes it up", pending.id());
            // (read again as it stands; when that read fails too, answered as it was recorded, PENDING: never an error)
            return find(pending.id()).onFailure().recoverWithItem(pending);
        });
    }

    private Uni<Purchase> newPurchase(Caller caller, UUID packageId, Long customCoins, String token, String key, String hash) {
        if (!caller.isAdult(clock, adultAge)) {
            throw new Refusal(ErrorCode.AGE_RESTRICTED, "Buying coins requires a verified age of " + adultAge + " or over");
        }
        return quote(caller.region(), packageId, customCoins).flatMap(quote -> {
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS); // (as stored: an answer built from it reads as a later read does)
            Purchase pending = new Purchase(UUID.randomUUID(), caller.userId(), quote.packageId(), Purchase.PENDING,
                    quote.coins(), quote.price(), null, now);
            // The key is claimed first: a twin that raced us past the lookup above replays instead of being refused.
            // Under the owner lock, which erasure takes too: the purchase is recorded before an erasure (which then waits for
            // it, as for any pending purchase) or is refused.
            return pool.withTransaction(tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, caller.userId())
                    .flatMap(locked -> idempotency.claim(tx, caller.userId(), key, "purchaseCoins", hash, pending.id(), now))
                    .flatMap(claim -> claim.outcome() == Idempotency.Outcome.NEW
                            ? holds.requireNotOnHold(tx, caller.userId())
                                    .flatMap(v -> store.insertPending(tx, pending, payments.gateway().name()))
                                    .replaceWith(Optional.<Purchase>empty())
                            : store.find(tx, claim.resultId())))
                    // (a replay waits outside the transaction: the original's settlement needs the owner lock)
                    .flatMap(replayed -> replayed.isPresent()
                            ? replay(replayed.get().id(), token, System.nanoTime() + REPLAY_WAIT.toNanos())
                            : charged(pending, token).invoke(p -> metrics.purchase(p.status())));
        });
    }

    /** The price of {@code coins} bought as a custom amount in {@code region}: what purchaseCoins would charge now. */
    public Money customPrice(String region, BigInteger coins) {
        long amount = Amounts.within(coins, 1, maxCoins, ErrorCode.INVALID_AMOUNT, "coins", "coins");
        var price = rates.current(clock.instant()).coinPrice(region)
                .orElseThrow(() -> new BadInput("Coins are not on sale in region " + region));
        return Money.ofMinor(price.priceMinorFor(amount), price.currency());
    }

    private Uni<Quote> quote(String region, UUID packageId, Long customCoins) {
        if (packageId != null) {
            return packages.byId(packageId).map(p -> {
                if (p == null || !p.active || !p.region.equals(region)) {
                    throw new Refusal(ErrorCode.NOT_FOUND, "No such coin package on sale in region " + region, "input",
                            "packageId");
                }
                return new Quote(p.id, p.coins, Money.ofMinor(p.priceMinor, p.currency));
            });
        }
        var price = rates.current(clock.instant()).coinPrice(region).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND,
                "Coins are not on sale in region " + region, "input", "coins"));
        return Uni.createFrom().item(new Quote(null, customCoins, Money.ofMinor(price.priceMinorFor(customCoins), price.currency())));
    }

    private Uni<Purchase> charge(Purchase pending, String token) {
        var request = new PaymentGateway.ChargeRequest(pending.id(), pending.price().minorUnits(), pending.price().getCurrency(), token);
        return payments.gateway().charge(request).flatMap(result -> {
            if (result instanceof PaymentGateway.ChargeResult.Succeeded ok) {
                return settleSucceeded(pending.id(), ok.providerRef(), null);
            } else if (result instanceof PaymentGateway.ChargeResult.Declined declined) {
                return settleFailed(pending.id(), declined.reason(), null);
            } else {
                String ref = ((PaymentGateway.ChargeResult.Pending) result).providerRef();
                return store.recordProviderRef(pool, pending.id(), ref).flatMap(v -> find(pending.id()));
            }
        });
    }

    /** A provider event to remember in the settling transaction, so a replayed webhook changes nothing. */
    public record ProviderEvent(String eventId, String type) {
    }

    /** PENDING -> SUCCEEDED and credit the coins, exactly once however many confirmations race. */
    public Uni<Purchase> settleSucceeded(UUID purchaseId, String providerRef, ProviderEvent event) {
        return find(purchaseId).flatMap(purchase -> {
            Instant now = clock.instant();
            String currency = purchase.price().getCurrency();
            EntryDraft draft = EntryDraft.of(EntryKind.PURCHASE, purchaseId, now)
                    .move(AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN), AccountKey.wallet(purchase.userId()),
                            purchase.coins())
                    .move(AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, Asset.cash(currency)),
                            AccountKey.user(purchase.userId(), AccountPurpose.FUNDING, Asset.cash(currency)),
                            purchase.price().minorUnits());
            return ledger.prepare(draft).flatMap(ready -> Transactions.retrying(pool, tx -> AdvisoryLocks
                    .exclusive(tx, AdvisoryLocks.Namespace.OWNER, purchase.userId())
                    .flatMap(locked -> firstTime(tx, event, purchaseId, now))
                    .flatMap(first -> !first ? Uni.createFrom().item(false)
                            : store.markSucceeded(tx, purchaseId, providerRef, now).flatMap(settled -> settled.isEmpty()
                                    ? Uni.createFrom().item(false)
                                    : ledger.post(tx, ready).flatMap(entryId -> store.recordEntry(tx, purchaseId, entryId))
                                            .call(() -> store.addToStats(tx, settled.get()))
                                            .call(() -> settleDebt(tx, purchase.userId(), purchaseId, now))
                                            .call(() -> outbox.emit(tx, new WebhookOutbox.Event(WebhookOutbox.PURCHASE_SUCCEEDED,
                                                    UUID.randomUUID(), now, null, null, null, new JsonObject().put("purchaseId", purchaseId.toString())
                                                            .put("userId", purchase.userId()).put("coins", purchase.coins())
                                                            .put("price", WebhookOutbox.money(purchase.price())).put("providerReference", providerRef))))
                                            .replaceWith(true)))))
                    .invoke(credited -> {
                        if (credited) {
                            walletFeed.changed(purchase.userId());
                        }
                    })
                    .flatMap(v -> find(purchaseId));
        });
    }

    /**
     * Coins owed after a refund are repaid when the next purchase completes, from the wallet (as far as it
     * goes): the coins leave the wallet and the debt shrinks by as much, in a DEBT_SETTLEMENT entry.
     */
    private Uni<Void> settleDebt(SqlClient tx, String userId, UUID purchaseId, Instant now) {
        AccountKey debt = AccountKey.user(userId, AccountPurpose.COIN_DEBT, Asset.COIN);
        AccountKey wallet = AccountKey.wallet(userId);
        AccountKey issuance = AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN);
        return ledger.balance(tx, debt).flatMap(owed -> owed <= 0 ? Uni.createFrom().voidItem()
                : ledger.balance(tx, wallet).flatMap(coins -> {
            long settled = Math.min(owed, coins);
            EntryDraft draft = EntryDraft.of(EntryKind.DEBT_SETTLEMENT, purchaseId, now).memo("Coins owed from a refunded purchase, repaid")
                    .move(wallet, issuance, settled).move(debt, issuance, settled);
            // The accounts exist (the debt was booked): no second connection while this one holds the owner lock.
            return ledger.accounts().existing(tx, List.of(debt, wallet, issuance))
                    .flatMap(ids -> ledger.post(tx, ledger.prepared(draft, ids))).replaceWithVoid();
        }));
    }

    /** PENDING -> FAILED. Nothing was credited, so nothing is reversed. */
    public Uni<Purchase> settleFailed(UUID purchaseId, String reason, ProviderEvent event) {
        Instant now = clock.instant();
        String token = reason == null ? "" : reason.replaceAll("[^A-Za-z0-9_.-]", "_");
        String safeReason = reason == null || reason.isBlank() ? "payment_failed" : token.substring(0, Math.min(token.length(), 64));
        return pool.withTransaction(tx -> firstTime(tx, event, purchaseId, now)
                .flatMap(first -> first ? store.markFailed(tx, purchaseId, safeReason, now) : Uni.createFrom().item(false)))
                .invoke(changed -> {
                    if (changed) {
                        LOG.debugf("purchase %s failed: %s", purchaseId, safeReason);
                    }
                })
                .flatMap(v -> find(purchaseId));
    }

    private Uni<Boolean> firstTime(SqlClient tx, ProviderEvent event, UUID purchaseId, Instant now) {
        return event == null ? Uni.createFrom().item(true)
                : store.recordEvent(tx, payments.gateway().name(), event.eventId(), event.type(), purchaseId, now);
    }

    /** Run {@code work} unless this provider event was processed before; true when it ran. */
    public <T> Uni<Boolean> onceForEvent(ProviderEvent event, UUID purchaseId, Uni<T> work) {
        return pool.preparedQuery("select 1 from payment_event where provider = $1 and event_id = $2")
                .execute(Tuple.of(payments.gateway().name(), event.eventId()))
                .flatMap(rows -> rows.iterator().hasNext() ? Uni.createFrom().item(false)
                        : work.flatMap(done -> store.recordEvent(pool, payments.gateway().name(), event.eventId(), event.type(),
                                purchaseId, clock.instant())).replaceWith(true));
    }

    public Uni<Purchase> find(UUID purchaseId) {
        return store.find(pool, purchaseId).map(p -> p.orElseThrow(() -> new IllegalStateException("purchase vanished: " + purchaseId)));
    }

    public Uni<Optional<Purchase>> findOptional(UUID purchaseId) {
        return store.find(pool, purchaseId);
    }
}
