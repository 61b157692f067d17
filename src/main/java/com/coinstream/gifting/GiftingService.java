package com.coinstream.gifting;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.catalogue.CatalogueGift;
import com.coinstream.catalogue.GiftCatalogue;
import com.coinstream.domain.Amounts;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Money;
import com.coinstream.domain.PolicyConfig;
import com.coinstream.domain.Refusal;
import com.coinstream.identity.Caller;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Accounts;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.Idempotency;
import com.coinstream.live.StreamDirectory;
import com.coinstream.protection.AccountHolds;
import com.coinstream.protection.GiftRateLimiter;
import com.coinstream.protection.Periods;
import com.coinstream.protection.SpendingLimits;
import com.coinstream.rates.RateBook;
import com.coinstream.rates.RateCard;
import com.coinstream.wallet.Wallet;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * sendGift: the rules that need no lock are checked here, against caches; the money moves in the
 * lane's batch statement, which re-checks everything a concurrent change could break (key, stream
 * status, balance) under the row locks.
 */
@ApplicationScoped
public class GiftingService {
    public static final int MAX_QUANTITY = 99;
    public static final String OPERATION = "sendGift";

    private final GiftLanes lanes;
    private final GiftRateLimiter rateLimiter;
    private final SpendingLimits limits;
    private final GiftCatalogue catalogue;
    private final StreamDirectory streams;
    private final RateBook rates;
    private final Accounts accounts;
    private final Idempotency idempotency;
    private final GiftEvents events;
    private final Pool pool;
    private final Clock clock;
    private final int adultAge;
    private final String defaultCurrency;
    private final String defaultRegion;

    public GiftingService(GiftLanes lanes, GiftRateLimiter rateLimiter, SpendingLimits limits, GiftCatalogue catalogue,
            StreamDirectory streams, RateBook rates, Accounts accounts, Idempotency idempotency, GiftEvents events, Pool pool,
            Clock clock, PolicyConfig policy) {
        this.lanes = lanes;
        this.rateLimiter = rateLimiter;
        this.limits = limits;
        this.catalogue = catalogue;
        this.streams = streams;
        this.rates = rates;
        this.accounts = accounts;
        this.idempotency = idempotency;
        this.events = events;
        this.pool = pool;
        this.clock = clock;
        this.adultAge = policy.adultAge();
        this.defaultCurrency = policy.defaultCurrency();
        this.defaultRegion = policy.defaultRegion();
    }

    public static final String ANONYMOUS = "Anonymous";

    /**
     * {@code anonymous}: null follows the sender's choice (anonymousByDefault). {@code confirmed}: sent past the sender's
     * session reminder on purpose (not part of the request's identity).
     */
    public record SendGift(String streamId, String giftId, BigInteger quantity, String idempotencyKey, Boolean anonymous, boolean confirmed) {
    }

    public record Sent(GiftReceipt receipt, Wallet wallet, boolean replayed) {
        Sent asReplayed() {
            return new Sent(receipt, wallet, true);
        }
    }

    /**
     * The sends of this instance not yet answered, by sender, key and request. The same request again before the first
     * is answered (a client's retry racing its original) is answered with the first's result, marked replayed, and takes
     * nothing of the sender's rate: it was refused RATE_LIMITED when the original, still in its lane, had not yet
     * committed the key it would have replayed (README: the same key answers the original "even when the requests race").
     */
    private final ConcurrentHashMap<Twin, Uni<Sent>> inFlight = new ConcurrentHashMap<>();

    /** A send as its sender typed it: equal twins are the same request (the record's equality, nothing joined per gift). */
    private record Twin(String sender, SendGift request) {
    }

    public Uni<Sent> send(Caller sender, SendGift request) {
        Twin twin = new Twin(sender.userId(), request);
        Uni<Sent> first = inFlight.get(twin);
        if (first == null) {
            Uni<Sent> mine = new Lane(twin, sender).answer;
            first = inFlight.putIfAbsent(twin, mine);
            if (first == null) {
                return mine;
            }
        }
        return onThisContext(first.map(Sent::asReplayed));
    }

    /** One send's answer, shared with its twins, leaving the map of sends in flight once it has one. */
    private final class Lane {
        private final Twin twin;
        private Uni<Sent> answer;

        Lane(Twin twin, Caller sender) {
            this.twin = twin;
            this.answer = Uni.createFrom().deferred(() -> sendOnce(sender, twin.request())).onTermination().invoke(this::leave)
                    .memoize().indefinitely();
        }

        private void leave() {
            inFlight.remove(twin, answer);
        }
    }

    /**
     * {@code uni}'s outcome delivered on the calling request's own Vert.x context: a twin's result is the first's, emitted
     * on the first request's context, where the twin's request scope (its identity, for the fields resolved next) is not
     * active.
     */
    private static <T> Uni<T> onThisContext(Uni<T> uni) {
        io.vertx.core.Context here = io.vertx.core.Vertx.currentContext();
        return here == null ? uni : uni.emitOn(task -> here.runOnContext(v -> task.run()));
    }

    private Uni<Sent> sendOnce(Caller sender, SendGift request) {
        String key = Idempotency.validKey(request.idempotencyKey());
        int quantity = request.quantity() == null ? 1
                : (int) Amounts.within(request.quantity(), 1, MAX_QUANTITY, ErrorCode.INVALID_QUANTITY, "quantity", "input", "quantity");
        // (anonymous as asked is part of the request's identity; hashed only when true, so earlier keys keep their fingerprints;
        // left out, it follows the sender's setting as the batch reads it when the gift is made, and a retry replays what was made)
        // (the ids as the ids they name: a retry that spells one in capitals is the same request)
        String streamKey = Ids.canonical(request.streamId());
        String giftKey = Ids.canonical(request.giftId());
        String hash = Boolean.TRUE.equals(request.anonymous()) ? Idempotency.fingerprint(OPERATION, streamKey, giftKey, quantity, "anonymous")
                : Idempotency.fingerprint(OPERATION, streamKey, giftKey, quantity);
        Instant now = clock.instant();
        RateCard card = rates.current(now);
        return Uni.createFrom().deferred(() -> {
            if (!sender.isAdult(clock, adultAge)) {
                throw new Refusal(ErrorCode.AGE_RESTRICTED, "Sending gifts requires a verified age of " + adultAge + " or over");
            }
            if (!rateLimiter.tryAcquire(sender.userId())) {
                throw tooFast();
            }
            UUID streamId = Ids.require(request.streamId(), "No such live stream", "input", "streamId");
            CatalogueGift gift = catalogue.find(Ids.require(request.giftId(), "No such gift", "input", "giftId"))
                    .orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "No such gift", "input", "giftId"));
            if (!gift.activeAt(now) || !gift.availableIn(sender.region())) {
                throw new Refusal(ErrorCode.GIFT_UNAVAILABLE, "This gift cannot be sent now in your region", "input", "giftId");
            }
            return streams.find(streamId).flatMap(found -> {
                StreamDirectory.StreamInfo stream = found
                        .orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "No such live stream", "input", "streamId"));
                if (!stream.live()) {
                    throw streamNotLive();
                }
                if (stream.creatorId().equals(sender.userId())) {
                    throw new Refusal(ErrorCode.SELF_GIFT, "You cannot send gifts to your own stream", "input", "streamId");
                }
                if (!adult(stream.creatorBirthdate(), now)) {
                    throw creatorUnderAge();
                }
                RateCard.GiftSplit split = card.split(Math.multiplyExact(gift.coins(), quantity));
                String currency = card.currencyOf(sender.region());
                RateCard.CoinPrice base = card.valuationPrice(sender.region(), defaultRegion)
                        .orElse(new RateCard.CoinPrice(sender.region(), currency, 1, 1));
                return accounts.id(AccountKey.user(stream.creatorId(), AccountPurpose.DIAMONDS_PENDING, Asset.DIAMOND))
                        .map(earnings -> new GiftCommand(UUID.randomUUID(), sender.userId(),
                                sender.displayName(), request.anonymous(), request.confirmed(),
                                stream.creatorId(), earnings, streamId, gift, quantity, split, card.version(), key, hash,
                                currency, base.unitCoins(), base.unitPriceMinor(), Periods.at(now, sender.zone()), now));
            });
        }).onFailure(Refusal.class).recoverWithUni(refusal -> replayOr(sender, key, hash, (Refusal) refusal))
                .flatMap(command -> command == null ? Uni.createFrom().nullItem() : submit(sender, command))
                .flatMap(sent -> sent != null ? Uni.createFrom().item(sent) : replay(sender, key, hash));
    }

    private Uni<Sent> submit(Caller sender, GiftCommand command) {
        return lanes.submit(command).flatMap(outcome -> outcome.kind() != GiftOutcome.Kind.LIMIT_REACHED ? Uni.createFrom().item(outcome)
                : limits.blocking(sender, command.split().coins()).map(status -> {
                    throw new LimitReached(status.orElse(null), command.split().coins());
                })).map(outcome -> switch (outcome.kind()) {
            case SENT -> new Sent(receipt(command, outcome), new Wallet(sender.userId(), command.valueCurrency(), sender.region(), outcome.walletAfter()),
                    false);
            case KEY_SEEN -> null;
            case NOT_LIVE -> throw streamNotLive();
            case CREATOR_UNDER_AGE -> throw creatorUnderAge();
            case ON_HOLD -> throw new Refusal(ErrorCode.ACCOUNT_ON_HOLD, "Your account is on hold");
            case ERASED -> throw AccountHolds.ERASED_SELF.get();
            case LIMIT_REACHED -> throw new IllegalStateException("handled above");
            case RATE_LIMITED -> throw tooFast();
            case CONFIRMATION_REQUIRED -> throw new Refusal(ErrorCode.CONFIRMATION_REQUIRED, "You asked to be reminded after "
                    + "your session reminder's coins in one stream, and you have sent them here (or what you sent here cannot be "
                    + "counted for a moment). This gift is " + command.split().coins()
                    + " coins; send it again with confirmed: true to go on", "input", "confirmed");
            case IN_DEBT -> throw new Refusal(ErrorCode.COIN_DEBT_OUTSTANDING,
                    "You owe coins from a refunded purchase; buy coins to settle the debt first");
            case INSUFFICIENT_COINS -> throw new Refusal(ErrorCode.INSUFFICIENT_COINS,
                    "Not enough coins for this gift (" + command.split().coins() + " needed)", "input", "giftId");
        });
    }

    /** The refusal of a gift past the sender's rate (COINSTREAM_GIFT_RATE_PER_SECOND), wherever it is caught. */
    private static Refusal tooFast() {
        return new Refusal(ErrorCode.RATE_LIMITED, "Too many gifts too fast; wait a moment");
    }

    /** SPENDING_LIMIT_REACHED, with the limit that blocked: what remains and when it resets. */
    public static final class LimitReached extends Refusal {
        private final transient SpendingLimits.Status status;

        LimitReached(SpendingLimits.Status status, long coins) {
            super(ErrorCode.SPENDING_LIMIT_REACHED, status == null ? "This gift would pass one of your spending limits"
                    : "This gift (" + coins + " coins) would pass your " + status.period().toLowerCase() + " limit of " + status.coins()
                            + " coins: " + status.remaining() + " left until " + status.resetsAt());
            this.status = status;
        }

        public SpendingLimits.Status status() {
            return status;
        }
    }

    /** A state-dependent refusal still yields the original result when this key already succeeded. */
    private Uni<GiftCommand> replayOr(Caller sender, String key, String hash, Refusal refusal) {
        return idempotency.previous(pool, sender.userId(), key, OPERATION, hash).map(previous -> {
            if (previous.isPresent()) {
                return null;
            }
            throw refusal;
        });
    }

    /** The original payload: the receipt and the wallet as it was right after the gift. */
    private Uni<Sent> replay(Caller sender, String key, String hash) {
        return idempotency.previous(pool, sender.userId(), key, OPERATION, hash)
                .map(previous -> previous.orElseThrow(GiftingService::erasedMeanwhile).resultId())
                .flatMap(giftId -> events.byId(giftId).flatMap(receipt -> events.walletAfter(giftId)
                        .flatMap(after -> after != null ? Uni.createFrom().item(after) : currentCoins(sender.userId()))
                        .map(coins -> new Sent(receipt.orElseThrow(GiftingService::erasedMeanwhile), new Wallet(sender.userId(),
                                receipt.get().value() == null ? defaultCurrency : receipt.get().value().getCurrency(), sender.region(), coins), true))));
    }

    /**
     * A key seen taken a moment ago that is gone when its result is read: only an erasure renames a person's keys (and
     * their receipts' sender), so the sender was erased in between; answered as their token is from then on.
     */
    private static RuntimeException erasedMeanwhile() {
        return new io.quarkus.security.UnauthorizedException("This account has been erased");
    }

    private Uni<Long> currentCoins(String userId) {
        return accounts.id(AccountKey.wallet(userId))
                .flatMap(id -> pool.preparedQuery("select coalesce(sum(balance), 0) from account_balance where account_id = $1")
                        .execute(Tuple.of(id)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * The refusal of a gift to a creator under the age of the rule (checked early from the directory, and by the batch):
     * the one an ended stream gets, word for word, so that no viewer learns a creator's age from it. (Such a creator cannot
     * go live; this is a stream of theirs that began before their birthdate was corrected.)
     */
    private static Refusal creatorUnderAge() {
        return streamNotLive();
    }

    private static Refusal streamNotLive() {
        return new Refusal(ErrorCode.STREAM_NOT_LIVE, "The stream is not live", "input", "streamId");
    }

    private boolean adult(Optional<LocalDate> birthdate, Instant now) {
        return Caller.isAdult(birthdate, now, adultAge);
    }

    private static GiftReceipt receipt(GiftCommand c, GiftOutcome o) {
        return new GiftReceipt(c.eventId(), o.seq(), c.gift().uuid(), c.streamId(), c.senderId(), c.creatorId(),
                c.eventId().toString(), c.quantity(), c.gift().coins(), c.split().coins(), c.split().creatorDiamonds(),
                c.split().platformCommission(), o.valueMinor() == null ? null : Money.ofMinor(o.valueMinor(), c.valueCurrency()),
                c.rateVersion(), o.createdAt(), null, o.anonymous());
    }
}
