-- The ledger's part of a spend batch statement (see SpendBatch): coins spent become diamond-units.
-- Input, from the statement's part before this one: the CTE "eligible", one row per spend that passed its rules, with
--   ord, cause_id (the entry's cause), wallet_id, coins, earnings_id (the recipient's DIAMONDS_PENDING account),
--   diamonds, commission (diamonds + commission = coins), rate_version, at, local_day (the owner's local day the
--   spend counts toward, for their spending limits) and pace_tokens (below).
-- Output, for the part after: "debited" (the eligible rows whose wallet covered them, with wallet_after) and
--   "moved" (debited with entry_id). A row whose wallet cannot cover it writes nothing.
-- The debit also counts each spend toward its owner's latest local day on the wallet row (spent_on, spent_coins, V43),
-- in the same row update; the caller's part hands an earlier day to spend_day (it reads the row's day before this
-- statement, under the owner's lock, as eligible's tally_day and tally_coins). In that update too it takes one spend
-- from the owner's pace (pace_tokens, V57): eligible's pace_tokens is the bucket as the caller's rules found it (null:
-- the caller keeps no pace, and the row's stays as it is).
-- Every balance it credits is on the lane's own slot row (:slot), so concurrent lanes never queue on a row.
debited as (
    -- conditional debit: concurrent batches can never overdraw a wallet
    update account_balance b set balance = b.balance - c.coins,
        spent_on = greatest(b.spent_on, c.local_day),
        spent_coins = case when c.local_day is null then b.spent_coins
                           when b.spent_on is null or b.spent_on < c.local_day then c.coins
                           when b.spent_on = c.local_day then b.spent_coins + c.coins
                           else b.spent_coins end,
        pace_tokens = case when c.pace_tokens is null then b.pace_tokens else c.pace_tokens - 1000000 end,
        pace_at = case when c.pace_tokens is null then b.pace_at else statement_timestamp() end
    from eligible c
    where b.account_id = c.wallet_id and b.slot = 0 and b.balance >= c.coins
      and b.account_id = any (array(select wallet_id from eligible))
    returning c.*, b.balance as wallet_after
),
entries as (
    insert into journal_entry (kind, cause_id, rate_version, created_at)
    select 'GIFT', d.cause_id, d.rate_version, d.at from debited d
    returning id, cause_id
),
moved as (
    select d.*, e.id as entry_id from debited d join entries e on e.cause_id = d.cause_id
),
postings as (
    -- five postings per entry: the wallet's coins go back to issuance; as many diamond-units are issued,
    -- whole diamonds to the recipient and the rest to the platform's commission. Only the postings of people's
    -- accounts go into the index by account (by_account, V41): the platform's are only ever summed.
    insert into posting (entry_id, account_id, slot, amount, by_account)
    select m.entry_id, x.account_id, x.slot, x.amount, x.by_account
    from moved m cross join lateral (values
        (m.wallet_id, 0::smallint, -m.coins, true),
        (:coin_issuance::bigint, :slot::smallint, m.coins, false),
        (:diamond_issuance::bigint, :slot::smallint, -m.coins, false),
        (m.earnings_id, :slot::smallint, m.diamonds, true),
        (:commission::bigint, :slot::smallint, m.commission, false)) as x(account_id, slot, amount, by_account)
    where x.amount <> 0
),
credited as (
    -- (an upsert, ordered: two instances' lanes can share slot rows, COINSTREAM_GIFTS_SLOT_OFFSET, and only one ordered
    -- statement locks them in one order whether each row exists yet or not)
    insert into account_balance (account_id, slot, balance, allow_negative)
    select c.account_id, :slot, sum(c.amount), bool_or(c.allow_negative)
    from (select :coin_issuance::bigint as account_id, d.coins as amount, true as allow_negative from debited d
          union all select :diamond_issuance::bigint, -d.coins, true from debited d
          union all select d.earnings_id, d.diamonds, false from debited d where d.diamonds > 0
          union all select :commission::bigint, d.commission, false from debited d where d.commission > 0) c
    group by c.account_id
    order by c.account_id
    on conflict (account_id, slot) do update set balance = account_balance.balance + excluded.balance
)
