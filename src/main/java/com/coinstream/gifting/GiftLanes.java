package com.coinstream.gifting;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.coinstream.db.Transactions;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Accounts;
import com.coinstream.ledger.Asset;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;

/**
 * Group commit for gifts. A viewer's gifts always go to the same lane (hash of the sender), and each lane
 * has at most one batch statement in flight; while it runs, new gifts queue and go in the next batch.
 * So a lane's wallet rows are never locked by another lane, and each lane credits its own slot rows of
 * the creator and platform accounts: neither a hot creator nor the platform account serialises gifts.
 * A batch holds at most one gift per sender, so a wallet is debited once per statement.
 */
@ApplicationScoped
public class GiftLanes {
    private static final Logger LOG = Logger.getLogger(GiftLanes.class);
    /**
     * Lane slots sit above the slots generic writers use. Instances that share a database can be given
     * different offsets (coinstream.gifts.slot-offset) so their lanes do not share slot rows.
     */
    static final int LANE_SLOT_BASE = 1000;
    private static final int MAX_ATTEMPTS = 3;

    private final GiftBatchStore store;
    private final GiftFeed feed;
    @jakarta.inject.Inject
    com.coinstream.metrics.BusinessMetrics metrics;
    private final Accounts accounts;
    private final Lane[] lanes;
    private final int maxBatch;
    private final int instanceSlotBase;
    private volatile GiftBatchStore.PlatformAccounts platform;
    private final GiftBatchStore.DefaultLimits defaults;

    public GiftLanes(GiftBatchStore store, GiftFeed feed, Accounts accounts,
            com.coinstream.protection.SpendingLimits limits,
            @ConfigProperty(name = "coinstream.gifts.lanes", defaultValue = "2") int laneCount,
            @ConfigProperty(name = "coinstream.gifts.max-batch", defaultValue = "128") int maxBatch,
            @ConfigProperty(name = "coinstream.gifts.slot-offset", defaultValue = "0") int slotOffset) {
        if (laneCount < 1 || laneCount > 15) {
            throw new IllegalArgumentException("coinstream.gifts.lanes must be 1-15");
        }
        this.store = store;
        this.feed = feed;
        this.defaults = new GiftBatchStore.DefaultLimits(limits.platformDefault("DAY"), limits.platformDefault("WEEK"),
                limits.platformDefault("MONTH"));
        this.accounts = accounts;
        this.maxBatch = Math.max(1, maxBatch);
        if (slotOffset < 0 || slotOffset > 30_000) {
            throw new IllegalArgumentException("coinstream.gifts.slot-offset must be 0-30000");
        }
        this.instanceSlotBase = LANE_SLOT_BASE + slotOffset;
        this.lanes = new Lane[laneCount];
        for (int i = 0; i < laneCount; i++) {
            lanes[i] = new Lane((short) (instanceSlotBase + i));
        }
    }

    /** Queue a gift; the Uni completes on the caller's context when its batch commits. */
    public Uni<GiftOutcome> submit(GiftCommand command) {
        return platformAccounts().flatMap(p -> Uni.createFrom().emitter(emitter -> {
            Context context = Vertx.currentContext();
            Lane lane = lanes[Math.floorMod(command.senderId().hashCode(), lanes.length)];
            lane.queue.add(new Pending(command, emitter, context));
            lane.kick();
        }));
    }

    private Uni<GiftBatchStore.PlatformAccounts> platformAccounts() {
        GiftBatchStore.PlatformAccounts known = platform;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return accounts.id(AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN))
                .flatMap(coin -> accounts.id(AccountKey.platform(AccountPurpose.DIAMOND_ISSUANCE, Asset.DIAMOND))
                        .flatMap(diamond -> accounts.id(AccountKey.platform(AccountPurpose.COMMISSION, Asset.DIAMOND))
                                .map(commission -> {
                                    platform = new GiftBatchStore.PlatformAccounts(coin, diamond, commission);
                                    return platform;
                                })));
    }

    private record Pending(GiftCommand command, UniEmitter<? super GiftOutcome> emitter, Context context) {
        void complete(GiftOutcome outcome) {
            if (context != null) {
                context.runOnContext(v -> emitter.complete(outcome));
            } else {
                emitter.complete(outcome);
            }
        }

        void fail(Throwable error) {
            if (context != null) {
                context.runOnContext(v -> emitter.fail(error));
            } else {
                emitter.fail(error);
            }
        }
    }

    private final class Lane {
        final short slot;
        final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
        final ArrayDeque<Pending> deferred = new ArrayDeque<>();
        final AtomicBoolean running = new AtomicBoolean();

        Lane(short slot) {
            this.slot = slot;
        }

        void kick() {
            if (running.compareAndSet(false, true)) {
                next();
            }
        }

        /** Take the next batch: deferred gifts first, at most one per sender. */
        private void next() {
            List<Pending> batch = new ArrayList<>();
            Set<String> senders = new HashSet<>();
            List<Pending> stillDeferred = new ArrayList<>();
            while (!deferred.isEmpty() && batch.size() < maxBatch) {
                Pending p = deferred.poll();
                (senders.add(p.command().senderId()) ? batch : stillDeferred).add(p);
            }
            Pending p;
            while (batch.size() < maxBatch && (p = queue.poll()) != null) {
                (senders.add(p.command().senderId()) ? batch : stillDeferred).add(p);
            }
            for (int i = stillDeferred.size() - 1; i >= 0; i--) {
                deferred.addFirst(stillDeferred.get(i));
            }
            if (batch.isEmpty()) {
                running.set(false);
                // A gift queued between the last poll and clearing the flag must not be stranded.
                if (!queue.isEmpty() || !deferred.isEmpty()) {
                    kick();
                }
                return;
            }
            run(batch, 1);
        }

        private void run(List<Pending> batch, int attempt) {
            List<GiftCommand> commands = batch.stream().map(Pending::command).toList();
            long started = System.nanoTime();
            store.execute(commands, slot, platform, defaults).subscribe().with(outcomes -> {
                stats(batch.size(), System.nanoTime() - started);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).complete(outcomes.get(i));
                }
                next();
                feed.announce(commands, outcomes);
                count(commands, outcomes);
            }, error -> {
                if (Transactions.isConcurrencyAbort(error) && attempt < MAX_ATTEMPTS) {
                    LOG.debugf("gift batch of %d retried after %s", batch.size(), error.getMessage());
                    run(batch, attempt + 1);
                } else if (batch.size() > 1 && isUniqueViolation(error)) {
                    // Another instance took one of these idempotency keys mid-batch: isolate it.
                    runOneByOne(batch, 0);
                } else {
                    batch.forEach(b -> b.fail(error));
                    next();
                }
            });
        }

        private void runOneByOne(List<Pending> batch, int index) {
            if (index == batch.size()) {
                next();
                return;
            }
            Pending one = batch.get(index);
            store.execute(List.of(one.command()), slot, platform, defaults).subscribe().with(outcomes -> {
                one.complete(outcomes.get(0));
                feed.announce(List.of(one.command()), outcomes);
                count(List.of(one.command()), outcomes);
                runOneByOne(batch, index + 1);
            }, error -> {
                if (isUniqueViolation(error)) {
                    one.complete(GiftOutcome.of(GiftOutcome.Kind.KEY_SEEN));
                } else {
                    one.fail(error);
                }
                runOneByOne(batch, index + 1);
            });
        }
    }

    private final java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong batchedGifts = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong batchNanos = new java.util.concurrent.atomic.AtomicLong();

    private void stats(int size, long nanos) {
        batches.incrementAndGet();
        batchedGifts.addAndGet(size);
        batchNanos.addAndGet(nanos);
    }

    /** Batch statistics since start, for diagnosing the hot path (debug log every 10 s when enabled). */
    @io.quarkus.scheduler.Scheduled(every = "10s")
    void logStats() {
        long n = batches.get();
        if (n > 0 && LOG.isDebugEnabled()) {
            LOG.debug(String.format("gift batches: %d, mean size %.1f, mean statement time %.2f ms", n,
                    (double) batchedGifts.get() / n, batchNanos.get() / 1e6 / n));
        }
    }

    private void count(List<GiftCommand> commands, List<GiftOutcome> outcomes) {
        for (int i = 0; i < commands.size(); i++) {
            if (outcomes.get(i).kind() == GiftOutcome.Kind.SENT) {
                var split = commands.get(i).split();
                metrics.giftSent(split.coins(), split.creatorDiamonds(), split.platformCommission());
            }
        }
    }

    private static boolean isUniqueViolation(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}
