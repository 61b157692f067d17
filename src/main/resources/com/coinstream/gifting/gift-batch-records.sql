-- The gift records of the batch statement, after the ledger's spend (see GiftBatchStore): the day's spend, the
-- idempotency keys, the gift events (with their money value and their number in the stream, which the stream's
-- sequence row, holding its totals, hands out) and the outbox, then one outcome per gift.
-- (a batch holds one gift per sender, and its senders' owner locks from before its snapshot to its commit)
-- The day's spend is counted on the sender's wallet row by the ledger's debit (V43: spent_on, spent_coins), at no WAL
-- record of its own. The day that row held is handed to spend_day when a gift of a later day arrives, and a gift of a
-- day before the row's (the viewer's zone moved west) is added to spend_day: one row per person and active day. A day
-- already there (written before V43, or by a zone that moved west) is added to.
spent as (
    insert into spend_day (user_id, day, coins)
    select d.sender_id, d.tally_day, d.tally_coins from debited d where d.tally_day < d.local_day and d.tally_coins > 0
    union all
    select d.sender_id, d.local_day, d.coins from debited d where d.tally_day > d.local_day
    on conflict (user_id, day) do update set coins = spend_day.coins + excluded.coins
),
keys as (
    insert into idempotency_key (owner_id, key, operation, request_hash, result_id, created_at)
    select d.sender_id, d.idem_key, 'sendGift', d.request_hash, d.cause_id, d.at from debited d
),
valued as (
    select m.*,
           case when ps.coins_bought > 0
                then round(m.coins * ps.money_paid_minor::numeric / ps.coins_bought)::bigint
                else gift_value_minor(m.coins, m.base_price, m.base_coins) end as value_minor
    from moved m
    left join lateral (select p.coins_bought, p.money_paid_minor from purchase_stats p
                       where p.user_id = m.sender_id and p.currency = m.value_currency limit 1) ps on true
),
-- Each stream's gifts are numbered 1, 2, 3 ... in commit order, with the stream's running total of coins: this
-- batch advances each of its streams' counter row (locked until the batch commits, so numbers are gapless and
-- totals exact per stream, whichever lane commits). That row is also the stream's totals: gifts, coins, diamonds (V27).
streams as (
    select d.stream_id, count(*) as gifts, sum(d.coins) as coins, sum(d.diamonds) as diamonds
    from debited d group by d.stream_id order by d.stream_id
),
-- A stream's counter row is written with the stream (V42), so it is raised by a plain UPDATE: one WAL record, where an
-- upsert that finds the row writes two. Rows are locked in stream order (GiftBatchPlanTest checks the plan), so two
-- instances' lanes of the same streams cannot deadlock. (A row missing all the same is upserted after.)
bumped as (
    update stream_gift_seq q set last = q.last + s.gifts, coins = q.coins + s.coins, diamonds = q.diamonds + s.diamonds
    from streams s
    where q.stream_id = s.stream_id and q.stream_id = any (array(select stream_id from streams))
    returning q.stream_id, q.last, q.coins
),
started as (
    insert into stream_gift_seq (stream_id, last, coins, diamonds)
    select s.stream_id, s.gifts, s.coins, s.diamonds from streams s
    where not exists (select 1 from bumped b where b.stream_id = s.stream_id)
    order by s.stream_id
    on conflict (stream_id) do update set last = stream_gift_seq.last + excluded.last, coins = stream_gift_seq.coins + excluded.coins,
        diamonds = stream_gift_seq.diamonds + excluded.diamonds
    returning stream_id, last, coins
),
numbered as (
    select stream_id, last, coins from bumped union all select stream_id, last, coins from started
),
sequenced as (
    select v.*,
           (n.last - count(*) over (partition by v.stream_id)
            + row_number() over (partition by v.stream_id order by v.ord))::bigint as stream_seq,
           (n.coins - sum(v.coins) over (partition by v.stream_id)
            + sum(v.coins) over (partition by v.stream_id order by v.ord))::bigint as stream_total
    from valued v join numbered n on n.stream_id = v.stream_id
),
events as (
    insert into gift_event (id, stream_id, gift_id, sender_id, creator_id, quantity, unit_coins, coins, diamonds,
                            commission, rate_version, value_minor, value_currency, entry_id, created_at, slot,
                            wallet_after, local_day, stream_seq, stream_total, anonymous)
    select v.cause_id, v.stream_id, v.gift_id, v.sender_id, v.creator_id, v.quantity, v.unit_coins, v.coins,
           v.diamonds, v.commission, v.rate_version, v.value_minor, v.value_currency, v.entry_id, v.at, $23,
           v.wallet_after, v.local_day, v.stream_seq, v.stream_total, v.anonymous
    from sequenced v order by v.ord
    returning id, seq, stream_seq
),
-- Outbound webhooks (V15): a gift.sent event per subscription that wants this creator's gifts, in the outbox, in this
-- transaction. A stream nobody subscribed to costs two probes of an empty partial index per gift. Lookups are lateral
-- subqueries with limits, as everywhere in this statement (see GiftBatchStore).
hooks as (
    insert into webhook_delivery (subscription_id, event_id, event_type, order_key, order_seq, occurred_at, data)
    select s.id, v.cause_id, 'gift.sent', v.stream_id, v.stream_seq * 2, v.at,
           jsonb_build_object('giftEventId', v.cause_id, 'streamId', v.stream_id, 'creatorId', v.creator_id,
                              'streamSequence', v.stream_seq, 'giftId', v.gift_id,
                              'giftName', (select g.name from gift g where g.id = v.gift_id limit 1),
                              'quantity', v.quantity, 'coins', v.coins, 'diamonds', v.diamonds,
                              'senderName', case when v.anonymous then 'Anonymous'
                                                 else (select u.display_name from app_user u where u.id = v.sender_id limit 1) end,
                              'senderId', case when s.creator_id is null and not v.anonymous then v.sender_id end)
    from sequenced v
    cross join lateral (select w.id, w.creator_id from webhook_subscription w
                        where w.creator_id = v.creator_id and w.status = 'ACTIVE' and 'gift.sent' = any (w.event_types)
                        union all
                        select w.id, w.creator_id from webhook_subscription w
                        where w.creator_id is null and w.status = 'ACTIVE' and 'gift.sent' = any (w.event_types)) s
    order by v.ord
)
select r.ord,
       case when m.cause_id is not null then 'SENT'
            when f.ord is null then 'KEY_SEEN'
            when l.ord is null then 'NOT_LIVE'
            when rc.ord is null then 'CREATOR_UNDER_AGE'
            when h.ord is null then case when (select u.erased_at is not null from app_user u where u.id = r.sender_id) then 'ERASED'
                                         else 'ON_HOLD' end
            when a.ord is null then 'IN_DEBT'
            when p.ord is null then 'LIMIT_REACHED'
            when pa.ord is null then 'RATE_LIMITED'
            when c.ord is null then 'CONFIRMATION_REQUIRED'
            else 'INSUFFICIENT_COINS' end as outcome,
       m.entry_id, m.wallet_after, e.seq, e.stream_seq, q.value_minor, q.stream_total, q.anonymous
from req r
left join fresh f on f.ord = r.ord
left join live l on l.ord = r.ord
left join received rc on rc.ord = r.ord
left join unheld h on h.ord = r.ord
left join allowed a on a.ord = r.ord
left join capped p on p.ord = r.ord
left join paced pa on pa.ord = r.ord
left join eligible c on c.ord = r.ord
left join moved m on m.ord = r.ord
left join events e on e.id = m.cause_id
left join sequenced q on q.ord = r.ord
order by r.ord
