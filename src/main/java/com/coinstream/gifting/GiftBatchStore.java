package com.coinstream.gifting;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.db.AdvisoryLocks;
import com.coinstream.db.DedicatedPools;
import com.coinstream.db.SqlResources;
import com.coinstream.domain.PolicyConfig;
import com.coinstream.ledger.SpendBatch;
import com.coinstream.protection.GiftRateLimiter;


import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The gift hot path in one SQL statement (one round trip, one transaction) for a whole batch: the gift rules
 * (gift-batch-checks.sql), the ledger's spend ({@link SpendBatch}: the conditional wallet debit, the entry, its five
 * postings and the credits on this lane's slot rows), then the gift records (gift-batch-records.sql).
 * For every gift, in order: skip if its idempotency key is taken; skip if the stream is not LIVE, the sender's
 * account is on hold, the sender owes coins, or the gift would pass one of the sender's spending limits; debit the
 * wallet only if it covers the gift; then the entry, the key, the gift event and the stream's sequence row (its number
 * and the stream's totals). A gift that
 * fails a condition writes nothing; the others in the batch go ahead. The feed is published after the commit
 * ({@link GiftFeed}), so only committed gifts are ever announced.
 */
@ApplicationScoped
public class GiftBatchStore implements GiftBatches {
    /**
     * Positional parameters: $1-$22 the gifts' arrays, $23 the lane's slot, $24-$26 the platform accounts, $27-$29 default caps,
     * $30 the gifts' anonymous flags, $31 their confirmed flags (the session reminder), $32-$33 the senders' pace (the gift
     * rate limit, {@link GiftRateLimiter#pace()}: the bucket's size and its refill a second, in millionths of a gift), $34 the
     * age a creator must have reached to receive gifts ({@link PolicyConfig#adultAge()}). (The rollups behind leaderboards, topGifters and earnings are kept by the statement-level
     * triggers on gift_event, migration V11, in this same statement.)
     */
    static final String SQL = SpendBatch.statement(SqlResources.load(GiftBatchStore.class, "gift-batch-checks.sql"),
            new SpendBatch.Parameters(23, 24, 25, 26), SqlResources.load(GiftBatchStore.class, "gift-batch-records.sql"));

    /**
     * Run before the batch statement, in its transaction: the senders' owner locks (exclusive) and the streams'
     * locks (shared), in (namespace, key) order. The batch statement's snapshot is then taken after every
     * transaction that held one of them committed: another instance's gift of the same sender (its spend), a
     * hold, a stream's end, a refund. And none of those can commit while this batch runs.
     */
    static final String LOCKS = ("""
            select count(pg_advisory_xact_lock(%d, o.k)) from (select distinct hashtext(u) as k from unnest($1::text[]) u order by 1) o
            union all
            select count(pg_advisory_xact_lock_shared(%d, s.k))
            from (select distinct hashtext(v::text) as k from unnest($2::uuid[]) v order by 1) s
            """).formatted(AdvisoryLocks.Namespace.OWNER.id, AdvisoryLocks.Namespace.STREAM.id);

    /** Session settings of the lane connections (see the constructor). */
    static final Map<String, String> SESSION = Map.of("plan_cache_mode", "force_generic_plan", "enable_seqscan", "off", "jit", "off");

    private final Pool pool;
    private final GiftRateLimiter.Pace pace;
    private final int adultAge;

    /**
     * The lanes' own connections. The statement is prepared once per connection and its generic plan is
     * kept ({@code force_generic_plan}): planning it took about 3 ms of PostgreSQL CPU per batch, as much as
     * running it. A plan kept that long must not depend on the row estimates of the moment it was made (on a
     * fresh deployment, or with statistics from when a table was empty, every table looks like one row, and
     * PostgreSQL then reads a whole index once per batch and compares every gift with every row of it). So
     * the statement leaves the planner no such choice: every lookup of an existing row is a lateral subquery
     * with a limit (never flattened into a join: one index probe per gift) or an {@code = any(array(...))}
     * index condition, and sequential scans are ruled out ({@code enable_seqscan=off}). GiftBatchPlanTest
     * checks the plan on freshly analysed empty tables. JIT compilation is off ({@code jit=off}): a statement this
     * short never gains from it, and a sequential scan left in a plan carries the disabling cost, which set off
     * PostgreSQL's JIT with inlining and optimisation, 2.5 s of compiling per batch.
     */
    public GiftBatchStore(DedicatedPools pools, GiftsConfig config, GiftRateLimiter rate, PolicyConfig policy) {
        this.pool = pools.pool("gift-lanes", config.lanes(), SESSION);
        this.pace = rate.pace();
        this.adultAge = policy.adultAge();
    }

    @Override
    public Uni<List<GiftOutcome>> execute(List<GiftCommand> batch, short slot, SpendBatch.PlatformAccounts platform,
            DefaultLimits defaults) {
        int n = batch.size();
        Integer[] ord = new Integer[n];
        UUID[] eventIds = new UUID[n];
        String[] senders = new String[n];
        String[] creators = new String[n];
        Long[] earnings = new Long[n];
        UUID[] streams = new UUID[n];
        UUID[] gifts = new UUID[n];
        Integer[] quantities = new Integer[n];
        Long[] unitCoins = new Long[n];
        Long[] coins = new Long[n];
        Long[] diamonds = new Long[n];
        Long[] commissions = new Long[n];
        Integer[] rateVersions = new Integer[n];
        String[] keys = new String[n];
        String[] hashes = new String[n];
        String[] currencies = new String[n];
        Long[] baseCoins = new Long[n];
        Long[] basePrices = new Long[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        LocalDate[] days = new LocalDate[n];
        LocalDate[] weeks = new LocalDate[n];
        LocalDate[] months = new LocalDate[n];
        Boolean[] anonymous = new Boolean[n];
        Boolean[] confirmed = new Boolean[n];
        for (int i = 0; i < n; i++) {
            GiftCommand c = batch.get(i);
            ord[i] = i;
            eventIds[i] = c.eventId();
            senders[i] = c.senderId();
            creators[i] = c.creatorId();
            earnings[i] = c.earningsAccountId();
            streams[i] = c.streamId();
            gifts[i] = c.gift().uuid();
            quantities[i] = c.quantity();
            unitCoins[i] = c.gift().coins();
            coins[i] = c.split().coins();
            diamonds[i] = c.split().creatorDiamonds();
            commissions[i] = c.split().platformCommission();
            rateVersions[i] = c.rateVersion();
            keys[i] = c.idempotencyKey();
            hashes[i] = c.requestHash();
            currencies[i] = c.valueCurrency();
            baseCoins[i] = c.baseUnitCoins();
            basePrices[i] = c.baseUnitPriceMinor();
            times[i] = OffsetDateTime.ofInstant(c.at(), ZoneOffset.UTC);
            days[i] = c.periods().day();
            weeks[i] = c.periods().weekStart();
            months[i] = c.periods().monthStart();
            anonymous[i] = c.askedAnonymous();
            confirmed[i] = c.confirmed();
        }
        Tuple args = Tuple.tuple().addArrayOfInteger(ord).addArrayOfUUID(eventIds).addArrayOfString(senders)
                .addArrayOfString(creators).addArrayOfLong(earnings).addArrayOfUUID(streams)
                .addArrayOfUUID(gifts).addArrayOfInteger(quantities).addArrayOfLong(unitCoins).addArrayOfLong(coins)
                .addArrayOfLong(diamonds).addArrayOfLong(commissions).addArrayOfInteger(rateVersions).addArrayOfString(keys)
                .addArrayOfString(hashes).addArrayOfString(currencies).addArrayOfLong(baseCoins).addArrayOfLong(basePrices)
                .addArrayOfOffsetDateTime(times).addArrayOfLocalDate(days).addArrayOfLocalDate(weeks).addArrayOfLocalDate(months)
                .addShort(slot).addLong(platform.coinIssuance()).addLong(platform.diamondIssuance()).addLong(platform.commission())
                .addLong(defaults.day()).addLong(defaults.week()).addLong(defaults.month()).addArrayOfBoolean(anonymous)
                .addArrayOfBoolean(confirmed).addLong(pace.burst()).addLong(pace.perSecond()).addInteger(adultAge);
        Tuple locks = Tuple.of(senders, streams);
        // Both statements are sent at once (pipelined): the locks cost no extra round trip, and the batch statement
        // only starts, with its snapshot, once they are held.
        return pool.withTransaction(tx -> Uni.combine().all()
                .unis(tx.preparedQuery(LOCKS).execute(locks), tx.preparedQuery(SQL).execute(args)).asTuple())
                .map(done -> {
                    List<GiftOutcome> outcomes = new ArrayList<>(n);
                    for (Row r : done.getItem2()) {
                        GiftOutcome.Kind kind = GiftOutcome.Kind.valueOf(r.getString("outcome"));
                        GiftCommand c = batch.get(r.getInteger("ord"));
                        outcomes.add(kind != GiftOutcome.Kind.SENT ? GiftOutcome.of(kind)
                                : new GiftOutcome(kind, r.getLong("entry_id"), r.getLong("wallet_after"), r.getLong("seq"), r.getLong("stream_seq"),
                                        r.getLong("value_minor"), r.getLong("stream_total"), c.at(), r.getBoolean("anonymous")));
                    }
                    return outcomes;
                });
    }
}
