package com.coinstream.gifting;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.db.AdvisoryLocks;


import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The gift hot path in one SQL statement (one round trip, one transaction) for a whole batch.
 * For every gift, in order: skip if its idempotency key is taken; skip if the stream is not LIVE, the
 * sender's account is on hold, the sender owes coins, or the gift would pass one of the sender's spending
 * limits (checked against spend_day, whose rows only this sender's lane writes); debit the wallet only if
 * it covers the gift (conditional update, so concurrent gifts never overdraw);
 * then write the entry, its five postings, the credits to the creator and the platform (on this lane's
 * slot rows, so lanes never queue on each other), the key, the gift event and the stream total. A gift
 * that fails a condition writes nothing; the others in the batch go ahead. The feed is published after
 * the commit ({@link FeedPublisher}), so only committed gifts are ever announced.
 */
@ApplicationScoped
public class GiftBatchStore {
    static final String SQL = """
            with req as (
                -- the sender's wallet is found here (none yet: nothing to spend, the debit below finds no row)
                select r.*, w.id as wallet_id
                from unnest($1::int[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::uuid[],
                            $7::uuid[], $8::int[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[],
                            $13::int[], $14::text[], $15::text[], $16::text[], $17::bigint[], $18::bigint[],
                            $19::timestamptz[], $20::date[], $21::date[], $22::date[])
                    as r(ord, event_id, sender_id, creator_id, earnings_id, stream_id, gift_id, quantity,
                         unit_coins, coins, diamonds, commission, rate_version, idem_key, request_hash, value_currency,
                         base_coins, base_price, at, local_day, week_start, month_start)
                left join lateral (select a.id from ledger_account a
                                   where a.owner_id = r.sender_id and a.purpose = 'WALLET' and a.asset = 'COIN' limit 1) w on true
            ),
            -- Every lookup below is a lateral subquery with a limit: PostgreSQL never turns one into a join, so
            -- each is a primary-key probe per gift, whatever the row estimates (see the constructor).
            fresh as (
                select r.* from req r
                left join lateral (select 1 as taken from idempotency_key k
                                   where k.owner_id = r.sender_id and k.key = r.idem_key limit 1) k on true
                where k.taken is null
            ),
            live as (
                select f.* from fresh f
                -- (status tested outside: inside, a partial index of live streams would look cheaper than the key)
                cross join lateral (select s.status from live_stream s where s.id = f.stream_id limit 1) s
                where s.status = 'LIVE'
            ),
            unheld as (
                select l.* from live l
                left join lateral (select u.hold_reason from app_user u where u.id = l.sender_id limit 1) u on true
                where u.hold_reason is null
            ),
            allowed as (
                select h.* from unheld h
                left join lateral (select 1 as owes from ledger_account a
                                   cross join lateral (select 1 from account_balance b
                                                       where b.account_id = a.id and b.balance > 0 limit 1) b
                                   where a.owner_id = h.sender_id and a.purpose = 'COIN_DEBT' limit 1) d on true
                where d.owes is null
            ),
            -- Spending limits: the viewer's own (the latest change already in force) or the platform default.
            limits as (
                select a.*,
                       case when ld.present then ld.coins else $27 end as cap_day,
                       case when lw.present then lw.coins else $28 end as cap_week,
                       case when lm.present then lm.coins else $29 end as cap_month
                from allowed a
                left join lateral (select true as present, l.coins from spending_limit l where l.user_id = a.sender_id
                    and l.period = 'DAY' and l.effective_at <= a.at order by l.effective_at desc, l.created_at desc limit 1) ld on true
                left join lateral (select true as present, l.coins from spending_limit l where l.user_id = a.sender_id
                    and l.period = 'WEEK' and l.effective_at <= a.at order by l.effective_at desc, l.created_at desc limit 1) lw on true
                left join lateral (select true as present, l.coins from spending_limit l where l.user_id = a.sender_id
                    and l.period = 'MONTH' and l.effective_at <= a.at order by l.effective_at desc, l.created_at desc limit 1) lm on true
            ),
            -- Spend since each period began. Days after today count too: they exist only when the viewer's zone moved
            -- west, and changing zones must not reopen a cap. (The owner locks taken before this statement make sure
            -- every gift of the sender committed elsewhere is seen here.)
            capped as (
                select m.* from limits m
                where (m.cap_day is null or coalesce((select sum(s.coins) from spend_day s
                           where s.user_id = m.sender_id and s.day >= m.local_day), 0) + m.coins <= m.cap_day)
                  and (m.cap_week is null or coalesce((select sum(s.coins) from spend_day s
                           where s.user_id = m.sender_id and s.day >= m.week_start), 0) + m.coins <= m.cap_week)
                  and (m.cap_month is null or coalesce((select sum(s.coins) from spend_day s
                           where s.user_id = m.sender_id and s.day >= m.month_start), 0) + m.coins <= m.cap_month)
            ),
            debited as (
                update account_balance b set balance = b.balance - c.coins
                from capped c
                where b.account_id = c.wallet_id and b.slot = 0 and b.balance >= c.coins
                  and b.account_id = any (array(select wallet_id from capped))
                returning c.*, b.balance as wallet_after
            ),
            spent as (
                insert into spend_day (user_id, day, coins)
                select d.sender_id, d.local_day, d.coins from debited d
                on conflict (user_id, day) do update set coins = spend_day.coins + excluded.coins
            ),
            entries as (
                insert into journal_entry (kind, cause_id, rate_version, created_at)
                select 'GIFT', d.event_id, d.rate_version, d.at from debited d
                returning id, cause_id
            ),
            moved as (
                select d.*, e.id as entry_id from debited d join entries e on e.cause_id = d.event_id
            ),
            postings as (
                insert into posting (entry_id, account_id, slot, amount)
                select m.entry_id, x.account_id, x.slot, x.amount
                from moved m cross join lateral (values
                    (m.wallet_id, 0::smallint, -m.coins),
                    ($24::bigint, $23::smallint, m.coins),
                    ($25::bigint, $23::smallint, -m.coins),
                    (m.earnings_id, $23::smallint, m.diamonds),
                    ($26::bigint, $23::smallint, m.commission)) as x(account_id, slot, amount)
                where x.amount <> 0
            ),
            credited as (
                insert into account_balance (account_id, slot, balance, allow_negative)
                select c.account_id, $23, sum(c.amount), bool_or(c.allow_negative)
                from (select $24::bigint as account_id, d.coins as amount, true as allow_negative from debited d
                      union all select $25::bigint, -d.coins, true from debited d
                      union all select d.earnings_id, d.diamonds, false from debited d where d.diamonds > 0
                      union all select $26::bigint, d.commission, false from debited d where d.commission > 0) c
                group by c.account_id
                order by c.account_id
                on conflict (account_id, slot) do update set balance = account_balance.balance + excluded.balance
            ),
            keys as (
                insert into idempotency_key (owner_id, key, operation, request_hash, result_id, created_at)
                select d.sender_id, d.idem_key, 'sendGift', d.request_hash, d.event_id, d.at from debited d
            ),
            valued as (
                select m.*,
                       case when ps.coins_bought > 0
                            then round(m.coins * ps.money_paid_minor::numeric / ps.coins_bought)::bigint
                            else ((2 * m.coins * m.base_price + m.base_coins) / (2 * m.base_coins))::bigint end as value_minor
                from moved m
                left join lateral (select p.coins_bought, p.money_paid_minor from purchase_stats p
                                   where p.user_id = m.sender_id and p.currency = m.value_currency limit 1) ps on true
            ),
            events as (
                insert into gift_event (id, stream_id, gift_id, sender_id, creator_id, quantity, unit_coins, coins, diamonds,
                                        commission, rate_version, value_minor, value_currency, entry_id, created_at, slot,
                                        wallet_after, local_day)
                select v.event_id, v.stream_id, v.gift_id, v.sender_id, v.creator_id, v.quantity, v.unit_coins, v.coins,
                       v.diamonds, v.commission, v.rate_version, v.value_minor, v.value_currency, v.entry_id, v.at, $23,
                       v.wallet_after, v.local_day
                from valued v order by v.ord
                returning id, seq
            ),
            before as (
                select t.stream_id, sum(t.coins) as coins from stream_total t
                where t.stream_id = any (array(select distinct stream_id from debited)) group by t.stream_id
            ),
            totals as (
                insert into stream_total (stream_id, slot, gifts, coins, diamonds)
                select d.stream_id, $23, count(*), sum(d.coins), sum(d.diamonds) from debited d
                group by d.stream_id order by d.stream_id
                on conflict (stream_id, slot) do update set gifts = stream_total.gifts + excluded.gifts,
                    coins = stream_total.coins + excluded.coins, diamonds = stream_total.diamonds + excluded.diamonds
            ),
            running as (
                select v.ord, v.value_minor,
                       (coalesce(b.coins, 0) + sum(v.coins) over (partition by v.stream_id order by v.ord))::bigint as stream_total
                from valued v left join before b on b.stream_id = v.stream_id
            )
            select r.ord,
                   case when m.event_id is not null then 'SENT'
                        when f.ord is null then 'KEY_SEEN'
                        when l.ord is null then 'NOT_LIVE'
                        when h.ord is null then 'ON_HOLD'
                        when a.ord is null then 'IN_DEBT'
                        when c.ord is null then 'LIMIT_REACHED'
                        else 'INSUFFICIENT_COINS' end as outcome,
                   m.entry_id, m.wallet_after, e.seq, rn.value_minor, rn.stream_total
            from req r
            left join fresh f on f.ord = r.ord
            left join live l on l.ord = r.ord
            left join unheld h on h.ord = r.ord
            left join allowed a on a.ord = r.ord
            left join capped c on c.ord = r.ord
            left join moved m on m.ord = r.ord
            left join events e on e.id = m.event_id
            left join running rn on rn.ord = r.ord
            order by r.ord
            """;

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

    private final Pool pool;

    /**
     * The lanes' own connections. The statement is prepared once per connection and its generic plan is
     * kept ({@code force_generic_plan}): planning it took about 3 ms of PostgreSQL CPU per batch, as much as
     * running it. A plan kept that long must not depend on the row estimates of the moment it was made (on a
     * fresh deployment, or with statistics from when a table was empty, every table looks like one row, and
     * PostgreSQL then reads a whole index once per batch and compares every gift with every row of it). So
     * the statement leaves the planner no such choice: every lookup of an existing row is a lateral subquery
     * with a limit (never flattened into a join: one index probe per gift) or an {@code = any(array(...))}
     * index condition, and sequential scans are ruled out ({@code enable_seqscan=off}). GiftBatchPlanTest
     * checks the plan on freshly analysed empty tables.
     */
    public GiftBatchStore(com.coinstream.db.DedicatedPools pools,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "coinstream.gifts.lanes", defaultValue = "2") int lanes) {
        this.pool = pools.pool("gift-lanes", lanes, SESSION);
    }

    /** Session settings of the lane connections (see the constructor). */
    static final java.util.Map<String, String> SESSION = java.util.Map.of("plan_cache_mode", "force_generic_plan",
            "enable_seqscan", "off");

    public record PlatformAccounts(long coinIssuance, long diamondIssuance, long commission) {
    }

    /** Platform-wide default caps per period (null = none). */
    public record DefaultLimits(Long day, Long week, Long month) {
    }

    public Uni<List<GiftOutcome>> execute(List<GiftCommand> batch, short slot, PlatformAccounts platform, DefaultLimits defaults) {
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
        }
        Tuple args = Tuple.tuple().addArrayOfInteger(ord).addArrayOfUUID(eventIds).addArrayOfString(senders)
                .addArrayOfString(creators).addArrayOfLong(earnings).addArrayOfUUID(streams)
                .addArrayOfUUID(gifts).addArrayOfInteger(quantities).addArrayOfLong(unitCoins).addArrayOfLong(coins)
                .addArrayOfLong(diamonds).addArrayOfLong(commissions).addArrayOfInteger(rateVersions).addArrayOfString(keys)
                .addArrayOfString(hashes).addArrayOfString(currencies).addArrayOfLong(baseCoins).addArrayOfLong(basePrices)
                .addArrayOfOffsetDateTime(times).addArrayOfLocalDate(days).addArrayOfLocalDate(weeks).addArrayOfLocalDate(months)
                .addShort(slot).addLong(platform.coinIssuance()).addLong(platform.diamondIssuance()).addLong(platform.commission())
                .addLong(defaults.day()).addLong(defaults.week()).addLong(defaults.month());
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
                                : new GiftOutcome(kind, r.getLong("entry_id"), r.getLong("wallet_after"), r.getLong("seq"),
                                        r.getLong("value_minor"), r.getLong("stream_total"), c.at()));
                    }
                    return outcomes;
                });
    }
}
