package com.coinstream.earnings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.db.Transactions;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.EntryDraft;
import com.coinstream.ledger.EntryKind;
import com.coinstream.ledger.Ledger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The diamond hold: a gift's diamonds stay pending for the hold period, then a MATURITY entry moves
 * them to available (debiting exactly the slot row the gift credited). Runs on demand (earnings,
 * payouts) and every minute for everyone, per creator under an advisory lock, against the injected clock.
 */
@ApplicationScoped
public class DiamondMaturity {
    private static final Logger LOG = Logger.getLogger(DiamondMaturity.class);
    private final Pool pool;
    private final Ledger ledger;
    private final Clock clock;
    private final Duration hold;

    public DiamondMaturity(Pool pool, Ledger ledger, Clock clock,
            EarningsConfig config) {
        this.pool = pool;
        this.ledger = ledger;
        this.clock = clock;
        this.hold = config.holdPeriod();
    }

    public Duration hold() {
        return hold;
    }

    /** Mature whatever is due for one creator; returns the diamonds moved to available. */
    public Uni<Long> mature(String creatorId) {
        AccountKey pending = AccountKey.user(creatorId, AccountPurpose.DIAMONDS_PENDING, Asset.DIAMOND);
        AccountKey available = AccountKey.user(creatorId, AccountPurpose.DIAMONDS_AVAILABLE, Asset.DIAMOND);
        Instant now = clock.instant();
        // Everything that needs the pool happens before the transaction: inside it, waiting for a second
        // connection while holding the creator's lock could starve the pool under concurrent payouts.
        return ledger.touch(available, 0).flatMap(v -> ledger.accounts().ids(List.of(pending, available)))
                .flatMap(ids -> Transactions.retrying(pool, tx -> lock(tx, creatorId)
                .flatMap(v -> tx.preparedQuery("""
                        select id, slot, diamonds from gift_event
                        where creator_id = $1 and matured_entry_id is null and reversed_entry_id is null and diamonds > 0
                          and created_at <= $2
                        order by seq for update
                        """).execute(Tuple.of(creatorId, OffsetDateTime.ofInstant(now.minus(hold), ZoneOffset.UTC))))
                .flatMap(rows -> {
                    Map<Integer, Long> bySlot = new TreeMap<>();
                    List<UUID> gifts = new ArrayList<>();
                    for (Row r : rows) {
                        bySlot.merge((int) r.getShort("slot"), r.getLong("diamonds"), Long::sum);
                        gifts.add(r.getUUID("id"));
                    }
                    if (gifts.isEmpty()) {
                        return Uni.createFrom().item(0L);
                    }
                    EntryDraft draft = EntryDraft.of(EntryKind.MATURITY, null, now).memo("Diamonds past the hold period");
                    bySlot.forEach((slot, diamonds) -> draft.moveFromSlot(pending, slot, available, diamonds));
                    long total = bySlot.values().stream().mapToLong(Long::longValue).sum();
                    return ledger.post(tx, ledger.prepared(draft, ids))
                            .flatMap(entryId -> tx.preparedQuery("update gift_event set matured_entry_id = $1 where id = any($2)")
                                    .execute(Tuple.of(entryId, gifts.toArray(UUID[]::new))))
                            .replaceWith(total);
                })));
    }

    /** When the oldest still-pending diamonds of a creator mature (empty when none are pending). */
    public Uni<Optional<Instant>> nextMaturity(String creatorId) {
        return pool.preparedQuery("""
                select min(created_at) from gift_event
                where creator_id = $1 and matured_entry_id is null and reversed_entry_id is null and diamonds > 0
                """).execute(Tuple.of(creatorId)).map(rows -> {
            OffsetDateTime oldest = rows.iterator().next().getOffsetDateTime(0);
            return oldest == null ? Optional.empty() : Optional.of(oldest.toInstant().plus(hold));
        });
    }

    /** Serialises maturing, payouts and reversals of one creator's diamonds. */
    public static Uni<Void> lock(SqlConnection tx, String creatorId) {
        return tx.preparedQuery("select pg_advisory_xact_lock(hashtext('diamonds:' || $1))").execute(Tuple.of(creatorId))
                .replaceWithVoid();
    }

    /** Creators with diamonds due, this many per statement; the sweep pages on until none are left. */
    static final int SWEEP_PAGE = 1000;

    @Scheduled(every = "60s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweepAfter("", SWEEP_PAGE).onFailure().recoverWithUni(e -> {
            LOG.debugf("Maturity sweep skipped: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /** Mature every creator with diamonds due, in creator order from {@code after}. */
    Uni<Void> sweepAfter(String after, int pageSize) {
        return pool.preparedQuery("""
                select distinct creator_id from gift_event
                where matured_entry_id is null and reversed_entry_id is null and diamonds > 0 and created_at <= $1 and creator_id > $2
                order by creator_id limit $3
                """).execute(Tuple.of(OffsetDateTime.ofInstant(clock.instant().minus(hold), ZoneOffset.UTC), after, pageSize))
                .flatMap(rows -> {
                    List<String> creators = new ArrayList<>();
                    rows.forEach(r -> creators.add(r.getString(0)));
                    Uni<Void> page = Multi.createFrom().iterable(creators)
                            .onItem().transformToUniAndConcatenate(creator -> mature(creator).onFailure().recoverWithItem(e -> {
                                LOG.warnf("Maturing diamonds of a creator failed: %s", e.getMessage());
                                return 0L;
                            }))
                            .collect().last().replaceWithVoid();
                    return creators.size() < pageSize ? page : page.flatMap(v -> sweepAfter(creators.get(creators.size() - 1), pageSize));
                });
    }
}
