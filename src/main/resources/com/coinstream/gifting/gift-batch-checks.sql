-- The gift rules of the batch statement, ending in "eligible" for the ledger's spend (see GiftBatchStore).
req as (
    -- the sender's wallet is found here (none yet: nothing to spend, the debit finds no row)
    select r.*, w.id as wallet_id
    from unnest($1::int[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::uuid[],
                $7::uuid[], $8::int[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[],
                $13::int[], $14::text[], $15::text[], $16::text[], $17::bigint[], $18::bigint[],
                $19::timestamptz[], $20::date[], $21::date[], $22::date[], $30::boolean[], $31::boolean[])
        as r(ord, cause_id, sender_id, creator_id, earnings_id, stream_id, gift_id, quantity,
             unit_coins, coins, diamonds, commission, rate_version, idem_key, request_hash, value_currency,
             base_coins, base_price, at, local_day, week_start, month_start, asked_anonymous, confirmed)
    left join lateral (select a.id from ledger_account a
                       where a.owner_id = r.sender_id and a.purpose = 'WALLET' and a.asset = 'COIN' limit 1) w on true
),
-- Every lookup below is a lateral subquery with a limit: PostgreSQL never turns one into a join, so
-- each is a primary-key probe per gift, whatever the row estimates (see GiftBatchStore).
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
-- the creator may receive gifts: an adult as their row holds their birthdate now (the newest token's, V55: a birthdate
-- corrected to an age under the rule's stops their gifts on every instance at once, whatever an instance's stream
-- directory remembers; a stream's creator never changes, so the gift's own creator_id is the stream's); $34 the age (COINSTREAM_ADULT_AGE), today's date as the latest time zone has it (Caller.isAdult)
received as (
    select l.* from live l
    cross join lateral (select u.birthdate from app_user u where u.id = l.creator_id limit 1) c
    where c.birthdate <= (((l.at - interval '12 hours') at time zone 'UTC')::date - make_interval(years => $34::int))::date
),
-- not on hold, and not erased (under the owner lock the erasure takes too: a gift lands before it, or is refused);
-- a gift that does not say whether it is anonymous follows the sender's setting as this row has it (setPrivacy
-- anonymousByDefault), never an instance's memory of it
unheld as (
    select l.*, u.session_reminder_coins as reminder, coalesce(l.asked_anonymous, u.anonymous_by_default, false) as anonymous from received l
    left join lateral (select u.hold_reason, u.session_reminder_coins, u.erased_at, u.anonymous_by_default from app_user u
                       where u.id = l.sender_id limit 1) u on true
    where u.hold_reason is null and u.erased_at is null
),
allowed as (
    select h.* from unheld h
    left join lateral (select 1 as owes from ledger_account a
                       cross join lateral (select 1 from account_balance b
                                           where b.account_id = a.id and b.balance > 0 limit 1) b
                       where a.owner_id = h.sender_id and a.purpose = 'COIN_DEBT' limit 1) d on true
    where d.owes is null
),
-- Spending limits in force: the one rule (spending_limit_in_force, migration V9), which SpendingLimits also reads.
limits as (
    select a.*, ld.coins as cap_day, lw.coins as cap_week, lm.coins as cap_month
    from allowed a
    cross join lateral spending_limit_in_force(a.sender_id, 'DAY', a.at, $27) ld
    cross join lateral spending_limit_in_force(a.sender_id, 'WEEK', a.at, $28) lw
    cross join lateral spending_limit_in_force(a.sender_id, 'MONTH', a.at, $29) lm
),
-- Spend since each period began: the one rule (spent_since, migration V43), which SpendingLimits also reads. (The
-- owner locks taken before this statement make sure every gift of the sender committed elsewhere is seen here.)
capped as (
    select m.* from limits m
    where (m.cap_day is null or (select s.coins from spent_since(m.sender_id, m.wallet_id, m.local_day) s) + m.coins <= m.cap_day)
      and (m.cap_week is null or (select s.coins from spent_since(m.sender_id, m.wallet_id, m.week_start) s) + m.coins <= m.cap_week)
      and (m.cap_month is null or (select s.coins from spent_since(m.sender_id, m.wallet_id, m.month_start) s) + m.coins <= m.cap_month)
),
-- The sender's pace (COINSTREAM_GIFT_RATE_PER_SECOND), across every instance: a token bucket on the wallet row (V57), in
-- millionths of a gift. It holds at most $32 (a second's gifts, at least one) and refills $33 a second by the
-- database's clock as this statement started (after the owner locks: each batch of a sender starts after the one before
-- it committed). A gift sent takes 1,000,000 (the debit writes the bucket back, spend-batch.sql); a gift refused for
-- any reason takes nothing. Each row also carries the day the sender's wallet row counts (tally_day, tally_coins),
-- which the day's spend after the debit reads.
paced as (
    select c.*, w.spent_on as tally_day, w.spent_coins as tally_coins, p.tokens as pace_tokens from capped c
    left join lateral (select b.spent_on, b.spent_coins, b.pace_tokens, b.pace_at from account_balance b
                       where b.account_id = c.wallet_id and b.slot = 0 limit 1) w on true
    -- (summed in numeric and capped before it is a bigint again: a long idle time at a high rate never overflows)
    cross join lateral (select case when w.pace_at is null then $32::bigint
                                    else least($32::numeric, w.pace_tokens
                                               + floor(greatest(0, extract(epoch from statement_timestamp() - w.pace_at)) * $33::bigint))::bigint
                               end as tokens) p
    where p.tokens >= 1000000
),
-- The session reminder: once the sender has sent the coins they chose in this stream, each further gift to it needs
-- confirmed. (One gift per sender in a batch, under the sender's owner lock: the sum is exact.) The supporters are
-- unlogged (V44): until a crash's rebuild has run (rollups_whole(), V45) their sum cannot be trusted, and every gift
-- under a reminder needs confirmed.
eligible as (
    select c.* from paced c
    where c.confirmed or c.reminder is null
       or rollups_whole()
          and coalesce((select sum(t.coins) from stream_supporter_total t
                        where t.stream_id = c.stream_id and t.sender_id = c.sender_id), 0) < c.reminder
)
