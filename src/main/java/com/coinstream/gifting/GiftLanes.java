package com.coinstream.gifting;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.db.DatabaseErrors;
import com.coinstream.db.Transactions;
import com.coinstream.ledger.SpendBatch;
import com.coinstream.metrics.BusinessMetrics;
import com.coinstream.protection.SpendingLimits;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Group commit for gifts. A stream's gifts always go to the same lane (hash of the stream), and each lane
 * has at most one batch statement in flight; while it runs, new gifts queue and go in the next batch.
 * So a stream's rows (its counter and totals, its supporters, its creator's earnings slot row) are never locked
 * by another lane, and each lane credits its own slot rows of the platform accounts: neither a hot creator nor
 * the platform account serialises gifts of other streams. A batch holds at most one gift per sender, so a
 * wallet is debited once per statement; a sender in two lanes at once (gifts to two streams) is serialised by the
 * owner locks every batch takes first, in one sorted order.
 */
@ApplicationScoped
public class GiftLanes {
    private static final Logger LOG = Logger.getLogger(GiftLanes.class);
    /**
     * Lane slots sit above the slots generic writers use. Instances that share a database can be given
     * different offsets (COINSTREAM_GIFTS_SLOT_OFFSET) so their lanes do not share slot rows.
     */
    static final int LANE_SLOT_BASE = 1000;
    private static final int MAX_ATTEMPTS = 3;

    private final GiftBatches store;
    private final GiftFeed feed;
    private final BusinessMetrics metrics;
    private final SpendBatch spends;
    private final Lane[] lanes;
    private final int maxBatch;
    private final GiftBatches.DefaultLimits defaults;

    public GiftLanes(GiftBatches store, GiftFeed feed, SpendBatch spends, SpendingLimits limits, GiftsConfig config,
            BusinessMetrics metrics) {
        if (config.lanes() < 1 || config.lanes() > 15) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_GIFTS_LANES (" + config.lanes() + ") must be 1-15");
        }
        if (config.slotOffset() < 0 || config.slotOffset() > 30_000) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_GIFTS_SLOT_OFFSET (" + config.slotOffset() + ") must be 0-30000");
        }
        this.store = store;
        this.feed = feed;
        this.spends = spends;
        this.metrics = metrics;
        this.defaults = new GiftBatches.DefaultLimits(limits.platformDefault("DAY"), limits.platformDefault("WEEK"),
                limits.platformDefault("MONTH"));
        this.maxBatch = Math.max(1, config.maxBatch());
        this.lanes = new Lane[config.lanes()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane((short) (LANE_SLOT_BASE + config.slotOffset() + i));
        }
    }

    /** Queue a gift; the Uni completes on the caller's context when its batch commits. */
    public Uni<GiftOutcome> submit(GiftCommand command) {
        return spends.platformAccounts().flatMap(p -> Uni.createFrom().emitter(emitter -> {
            Context context = Vertx.currentContext();
            Lane lane = lanes[Math.floorMod(command.streamId().hashCode(), lanes.length)];
            lane.queue.add(new Pending(command, emitter, context));
            lane.kick(p);
        }));
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
        final LaneQueue<Pending> queue = new LaneQueue<>(p -> p.command().senderId(), p -> Boolean.FALSE.equals(p.command().askedAnonymous()));
        final AtomicBoolean running = new AtomicBoolean();

        Lane(short slot) {
            this.slot = slot;
        }

        void kick(SpendBatch.PlatformAccounts platform) {
            if (running.compareAndSet(false, true)) {
                next(platform);
            }
        }

        private void next(SpendBatch.PlatformAccounts platform) {
            List<Pending> batch = queue.nextBatch(maxBatch);
            if (batch.isEmpty()) {
                running.set(false);
                // A gift queued between the last poll and clearing the flag must not be stranded.
                if (!queue.isEmpty()) {
                    kick(platform);
                }
                return;
            }
            run(batch, platform, 1);
        }

        private void run(List<Pending> batch, SpendBatch.PlatformAccounts platform, int attempt) {
            List<GiftCommand> commands = batch.stream().map(Pending::command).toList();
            long started = System.nanoTime();
            store.execute(commands, slot, platform, defaults).subscribe().with(outcomes -> {
                stats(batch.size(), System.nanoTime() - started);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).complete(outcomes.get(i));
                }
                next(platform);
                feed.announce(commands, outcomes);
                count(commands, outcomes);
            }, error -> {
                if (Transactions.isConcurrencyAbort(error) && attempt < MAX_ATTEMPTS) {
                    LOG.debugf("gift batch of %d retried after %s", batch.size(), error.getMessage());
                    run(batch, platform, attempt + 1);
                } else if (isUniqueViolation(error)) {
                    // Another instance took one of these idempotency keys mid-batch: isolate it (a batch of one then
                    // answers KEY_SEEN, as any replay does, not CONFLICT).
                    runOneByOne(batch, platform, 0);
                } else {
                    batch.forEach(b -> b.fail(error));
                    next(platform);
                }
            });
        }

        private void runOneByOne(List<Pending> batch, SpendBatch.PlatformAccounts platform, int index) {
            if (index == batch.size()) {
                next(platform);
                return;
            }
            Pending one = batch.get(index);
            store.execute(List.of(one.command()), slot, platform, defaults).subscribe().with(outcomes -> {
                one.complete(outcomes.get(0));
                feed.announce(List.of(one.command()), outcomes);
                count(List.of(one.command()), outcomes);
                runOneByOne(batch, platform, index + 1);
            }, error -> {
                if (isUniqueViolation(error)) {
                    one.complete(GiftOutcome.of(GiftOutcome.Kind.KEY_SEEN));
                } else {
                    one.fail(error);
                }
                runOneByOne(batch, platform, index + 1);
            });
        }
    }

    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchedGifts = new AtomicLong();
    private final AtomicLong batchNanos = new AtomicLong();

    private void stats(int size, long nanos) {
        batches.incrementAndGet();
        batchedGifts.addAndGet(size);
        batchNanos.addAndGet(nanos);
    }

    /** Batch statistics since start, for diagnosing the hot path (debug log every 10 s when enabled). */
    @Scheduled(every = "10s")
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

    /** Another instance took one of these idempotency keys: that key's index, and only it (any other is a fault). */
    private static boolean isUniqueViolation(Throwable e) {
        return "23505".equals(DatabaseErrors.sqlState(e)) && "idempotency_key_pkey".equals(DatabaseErrors.constraint(e));
    }
}
