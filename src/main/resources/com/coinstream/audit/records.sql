-- The business records against the ledger. Each row is one difference:
-- (kind, subject = the record or user concerned, entry_id, asset, expected = what the record says, actual = what the ledger says, detail).
-- Run in the same repeatable-read snapshot as the ledger's own checks.
with eb as (
    -- every entry's net amount per account, with the account's identity
    select p.entry_id, a.owner_id, a.purpose, a.asset, sum(p.amount) as amount
    from posting p join ledger_account a on a.id = p.account_id
    group by p.entry_id, a.owner_id, a.purpose, a.asset
),
balances as (
    select a.owner_id, a.purpose, a.asset, sum(b.balance) as balance
    from account_balance b join ledger_account a on a.id = b.account_id
    where a.owner_id is not null group by a.owner_id, a.purpose, a.asset
),
gifts as (
    select g.id, g.entry_id, g.sender_id, g.creator_id, g.stream_id, g.coins, g.diamonds, g.commission, g.rate_version,
           e.kind, e.cause_id, e.rate_version as entry_rate_version,
           coalesce(w.amount, 0) as wallet, coalesce(d.amount, 0) as pending, coalesce(c.amount, 0) as commission_posted,
           k.result_id as key_result
    from gift_event g
    left join journal_entry e on e.id = g.entry_id
    left join eb w on w.entry_id = g.entry_id and w.owner_id = g.sender_id and w.purpose = 'WALLET'
    left join eb d on d.entry_id = g.entry_id and d.owner_id = g.creator_id and d.purpose = 'DIAMONDS_PENDING'
    left join eb c on c.entry_id = g.entry_id and c.owner_id is null and c.purpose = 'COMMISSION'
    left join idempotency_key k on k.owner_id = g.sender_id and k.result_id = g.id and k.operation = 'sendGift'
),
reversed_gifts as (
    select reversed_entry_id as entry_id, count(*) as gifts, sum(coins) as coins, sum(diamonds) as diamonds,
           sum(commission) as commission
    from gift_event where reversed_entry_id is not null group by reversed_entry_id
),
reversals as (
    select r.id, r.entry_id, r.purchase_id, r.coins_clawed_back, r.coin_debt, r.gifts_reversed, r.diamonds_reversed,
           pu.price_minor, pu.user_id, pu.currency, pu.entry_id as purchase_entry, e.kind, e.cause_id,
           coalesce(rg.gifts, 0) as rg_gifts, coalesce(rg.coins, 0) as rg_coins, coalesce(rg.diamonds, 0) as rg_diamonds,
           coalesce(rg.commission, 0) as rg_commission,
           coalesce(w.amount, 0) as wallet, coalesce(db.amount, 0) as debt, coalesce(f.amount, 0) as funding,
           coalesce(pe.amount, 0) as pending,
           coalesce(c.amount, 0) as commission,
           r.forfeit_retired, r.coins_written_off, r.coins_forfeited, coalesce(ff.amount, 0) as forfeit_posted, coalesce(wo.amount, 0) as written_off_posted
    from purchase_reversal r
    join purchase pu on pu.id = r.purchase_id
    left join journal_entry e on e.id = r.entry_id
    left join reversed_gifts rg on rg.entry_id = r.entry_id
    left join eb w on w.entry_id = r.entry_id and w.owner_id = pu.user_id and w.purpose = 'WALLET'
    left join eb db on db.entry_id = r.entry_id and db.owner_id = pu.user_id and db.purpose = 'COIN_DEBT'
    left join eb f on f.entry_id = r.entry_id and f.owner_id = pu.user_id and f.purpose = 'FUNDING' and f.asset = pu.currency
    left join eb c on c.entry_id = r.entry_id and c.owner_id is null and c.purpose = 'COMMISSION'
    left join eb ff on ff.entry_id = r.entry_id and ff.owner_id is null and ff.purpose = 'FORFEITED_COINS'
    left join eb wo on wo.entry_id = r.entry_id and wo.owner_id is null and wo.purpose = 'DEBT_WRITTEN_OFF'
    left join (select entry_id, sum(amount) as amount from eb where purpose = 'DIAMONDS_PENDING' group by entry_id) pe
        on pe.entry_id = r.entry_id
),
purchases as (
    select pu.id, pu.user_id, pu.status, pu.coins, pu.price_minor, pu.currency, pu.entry_id, e.kind, e.cause_id,
           coalesce(w.amount, 0) as wallet, coalesce(f.amount, 0) as funding, r.id as reversal_id, r.entry_id as reversal_entry
    from purchase pu
    left join journal_entry e on e.id = pu.entry_id
    left join eb w on w.entry_id = pu.entry_id and w.owner_id = pu.user_id and w.purpose = 'WALLET'
    left join eb f on f.entry_id = pu.entry_id and f.owner_id = pu.user_id and f.purpose = 'FUNDING' and f.asset = pu.currency
    left join purchase_reversal r on r.purchase_id = pu.id
),
payouts as (
    select po.id, po.status, po.creator_id, po.diamonds, po.amount_minor, po.currency, po.entry_id, po.closing_entry_id,
           e1.kind as kind1, e1.cause_id as cause1, e2.kind as kind2, e2.cause_id as cause2,
           coalesce(a1.amount, 0) as available1, coalesce(i1.amount, 0) as in_payout1,
           coalesce(a2.amount, 0) as available2, coalesce(i2.amount, 0) as in_payout2, coalesce(c2.amount, 0) as cashed2
    from payout po
    left join journal_entry e1 on e1.id = po.entry_id
    left join journal_entry e2 on e2.id = po.closing_entry_id
    left join eb a1 on a1.entry_id = po.entry_id and a1.owner_id = po.creator_id and a1.purpose = 'DIAMONDS_AVAILABLE'
    left join eb i1 on i1.entry_id = po.entry_id and i1.owner_id = po.creator_id and i1.purpose = 'DIAMONDS_IN_PAYOUT'
    left join eb a2 on a2.entry_id = po.closing_entry_id and a2.owner_id = po.creator_id and a2.purpose = 'DIAMONDS_AVAILABLE'
    left join eb i2 on i2.entry_id = po.closing_entry_id and i2.owner_id = po.creator_id and i2.purpose = 'DIAMONDS_IN_PAYOUT'
    left join eb c2 on c2.entry_id = po.closing_entry_id and c2.owner_id = po.creator_id and c2.purpose = 'CASHED_OUT'
        and c2.asset = po.currency
),
maturities as (
    select g.matured_entry_id as entry_id, g.creator_id, sum(g.diamonds) as diamonds
    from gift_event g where g.matured_entry_id is not null group by g.matured_entry_id, g.creator_id
),
creators as (
    -- per creator: diamonds the gifts say are pending / matured, and what payouts took
    select creator_id as owner_id,
           sum(diamonds) filter (where matured_entry_id is null and reversed_entry_id is null) as pending,
           sum(diamonds) filter (where matured_entry_id is not null) as matured
    from gift_event group by creator_id
),
payout_totals as (
    select creator_id as owner_id,
           sum(diamonds) filter (where status in ('REQUESTED', 'APPROVED')) as in_payout,
           sum(diamonds) filter (where status in ('REQUESTED', 'APPROVED', 'PAID')) as taken
    from payout group by creator_id
),
wallet_moves as (
    -- per user, what the records say moved their coins (grants and debt settlements exist only in the ledger)
    select owner_id, sum(coins) as coins from (
        select user_id as owner_id, coins from purchase where entry_id is not null
        union all select sender_id, -coins from gift_event
        union all select sender_id, coins from gift_event where reversed_entry_id is not null
        union all select pu.user_id, -(r.coins_clawed_back + r.coins_forfeited) from purchase_reversal r join purchase pu on pu.id = r.purchase_id
        union all select eb.owner_id, eb.amount from eb join journal_entry e on e.id = eb.entry_id
            where eb.purpose = 'WALLET' and e.kind in ('GRANT', 'DEBT_SETTLEMENT')
        union all select user_id, -(forfeited_coins + debt_settled) from erasure_request where forfeit_entry_id is not null
    ) m group by owner_id
),
debts as (
    select owner_id, sum(coins) as coins from (
        select pu.user_id as owner_id, r.coin_debt as coins from purchase_reversal r join purchase pu on pu.id = r.purchase_id
        union all select eb.owner_id, eb.amount from eb join journal_entry e on e.id = eb.entry_id
            where eb.purpose = 'COIN_DEBT' and e.kind = 'DEBT_SETTLEMENT'
        union all select user_id, -(debt_settled + debt_written_off) from erasure_request where forfeit_entry_id is not null
    ) d group by owner_id
),
legacy_spenders as (select distinct sender_id from gift_event where local_day is null),
spent as (
    select sender_id as user_id, local_day as day, sum(coins) as coins from gift_event
    where sender_id not in (select sender_id from legacy_spenders) group by sender_id, local_day
),
-- the rollups behind leaderboards, topGifters and earnings (V11) against the ledger: the coins of each gift's wallet
-- debit, for the gifts no reversal took back, in the UTC periods of the gift
-- (the stream supporters are kept by the batch itself; the other rollups by the applier, V14: a gift still in the queue
-- counts as not yet added, a reversal still in the queue as not yet taken back)
rolled_now as (
    select ge.creator_id, ge.sender_id, ge.anonymous, ge.stream_id, ge.created_at, -g.wallet as coins, ge.diamonds
    from gifts g join gift_event ge on ge.id = g.id where ge.reversed_entry_id is null
),
queued as (
    select x.id, sum(case when q.sign = 1 then 1 else 0 end) as added, sum(case when q.sign = -1 then 1 else 0 end) as reversed
    from rollup_queue q cross join lateral unnest(q.event_ids) as x(id) group by x.id
),
rolled as (
    select r.creator_id, r.sender_id, r.anonymous, r.stream_id, r.created_at, r.coins * r.weight as coins, r.diamonds * r.weight as diamonds
    from (select ge.creator_id, ge.sender_id, ge.anonymous, ge.stream_id, ge.created_at, -g.wallet as coins, ge.diamonds,
                 1 - coalesce(q.added, 0) - case when ge.reversed_entry_id is null then 0 else 1 - coalesce(q.reversed, 0) end as weight
          from gifts g join gift_event ge on ge.id = g.id left join queued q on q.id = ge.id) r
    where r.weight <> 0
),
rolled_periods as (
    select r.*, x.period, x.period_start from rolled r
    cross join lateral (values ('D', (r.created_at at time zone 'UTC')::date), ('W', date_trunc('week', r.created_at at time zone 'UTC')::date),
                               ('M', date_trunc('month', r.created_at at time zone 'UTC')::date), ('A', date '1970-01-01')) x(period, period_start)
),
-- (the ranked boards keep anonymous gifts as one row per board and owner, sender '': V31)
expected_supporters as (
    select creator_id, period, period_start, case when anonymous then '' else sender_id end as sender_id, anonymous, sum(coins) as coins
    from rolled_periods group by 1, 2, 3, 4, 5
),
expected_gifters as (
    select period, period_start, case when anonymous then '' else sender_id end as sender_id, anonymous, sum(coins) as coins
    from rolled_periods group by 1, 2, 3, 4
),
expected_creators as (
    select period, period_start, creator_id, sum(coins) as coins from rolled_periods group by 1, 2, 3
),
expected_streams as (
    select stream_id, sender_id, anonymous, sum(coins) as coins from rolled_now group by 1, 2, 3
),
expected_hours as (
    select creator_id, date_trunc('hour', created_at) as hour, sum(coins) as coins, sum(diamonds) as diamonds from rolled group by 1, 2
),
-- each stream's counter row (V10, V27: its gifts numbered, and their coins and diamonds, gross; earnings by stream read it,
-- V58) against every gift of the stream, reversed or not, by the gift's entry
expected_counters as (
    select g.stream_id, count(*) as gifts, sum(-g.wallet) as coins, sum(g.pending) as diamonds from gifts g group by 1
)
-- gifts and their entries
select 'GIFT_ENTRY' as kind, id::text as subject, entry_id, '-' as asset, 0::bigint as expected, 0::bigint as actual,
       'the entry is not this gift''s GIFT entry' as detail
from gifts where kind is distinct from 'GIFT' or cause_id is distinct from id or entry_rate_version is distinct from rate_version
union all select 'GIFT_ENTRY', id::text, entry_id, 'COIN', -coins, wallet, 'sender''s wallet debit' from gifts where wallet <> -coins
union all select 'GIFT_ENTRY', id::text, entry_id, 'DIAMOND', diamonds, pending, 'creator''s pending diamonds'
    from gifts where pending <> diamonds
union all select 'GIFT_ENTRY', id::text, entry_id, 'DIAMOND', commission, commission_posted, 'platform commission'
    from gifts where commission_posted <> commission
union all select 'GIFT_WITHOUT_KEY', id::text, entry_id, '-', 0, 0, 'no idempotency key leads to this gift'
    from gifts where key_result is null
union all select 'GIFT_STATE', id::text, matured_entry_id, '-', 0, 0, 'both matured and reversed'
    from gift_event where matured_entry_id is not null and reversed_entry_id is not null
-- maturity entries and the gifts they matured
union all select 'MATURITY_ENTRY', m.creator_id, m.entry_id, 'DIAMOND', m.diamonds, coalesce(a.amount, 0), 'diamonds made available'
    from maturities m left join eb a on a.entry_id = m.entry_id and a.owner_id = m.creator_id and a.purpose = 'DIAMONDS_AVAILABLE'
    where coalesce(a.amount, 0) <> m.diamonds
-- reversals and their entries
union all select 'REVERSAL_ENTRY', id::text, entry_id, '-', 0, 0, 'the entry is not this reversal''s REVERSAL entry'
    from reversals where entry_id is not null and (kind is distinct from 'REVERSAL' or cause_id is distinct from id)
union all select 'REVERSAL_ENTRY', id::text, entry_id, 'COIN', rg_coins - coins_clawed_back - coins_forfeited, wallet,
       'gifts returned minus coins clawed back (and forfeited, buyer erased)'
    from reversals where entry_id is not null and wallet <> rg_coins - coins_clawed_back - coins_forfeited
union all select 'REVERSAL_ENTRY', id::text, entry_id, 'COIN', coin_debt, debt, 'coin debt' from reversals
    where entry_id is not null and debt <> coin_debt
union all select 'REVERSAL_ENTRY', id::text, entry_id, currency, -price_minor, funding, 'money returned' from reversals
    where entry_id is not null and funding <> -price_minor
union all select 'REVERSAL_ENTRY', id::text, entry_id, 'DIAMOND', -rg_diamonds, pending, 'creators'' pending diamonds reversed'
    from reversals where entry_id is not null and pending <> -rg_diamonds
union all select 'REVERSAL_ENTRY', id::text, entry_id, 'DIAMOND', -rg_commission, commission, 'commission reversed'
    from reversals where entry_id is not null and commission <> -rg_commission
union all select 'REVERSAL_ENTRY', id::text, entry_id, 'COIN', coins_forfeited - forfeit_retired, forfeit_posted,
       'coins forfeited minus forfeited coins retired (buyer erased)'
    from reversals where entry_id is not null and forfeit_posted <> coins_forfeited - forfeit_retired
union all select 'REVERSAL_ENTRY', id::text, entry_id, 'COIN', coins_written_off, written_off_posted, 'coins written off (buyer erased)'
    from reversals where entry_id is not null and written_off_posted <> coins_written_off
union all select 'REVERSAL_RECORD', id::text, entry_id, 'DIAMOND', rg_diamonds, diamonds_reversed, 'diamondsReversed'
    from reversals where diamonds_reversed <> rg_diamonds
union all select 'REVERSAL_RECORD', id::text, entry_id, '-', rg_gifts, gifts_reversed, 'giftsReversed'
    from reversals where gifts_reversed <> rg_gifts
union all select 'REVERSAL_RECORD', id::text, entry_id, '-', 0, 0, 'a credited purchase reversed without an entry, or the reverse'
    from reversals where (entry_id is null) <> (purchase_entry is null)
    or (entry_id is null and coins_clawed_back + coin_debt + gifts_reversed + diamonds_reversed + forfeit_retired + coins_written_off
        + coins_forfeited <> 0)
-- purchases and their entries
union all select 'PURCHASE_ENTRY', id::text, entry_id, '-', 0, 0, status || ' purchase without its PURCHASE entry'
    from purchases where status = 'SUCCEEDED' and entry_id is null
union all select 'PURCHASE_ENTRY', id::text, entry_id, '-', 0, 0, status || ' purchase with coins credited'
    from purchases where status in ('PENDING', 'FAILED') and entry_id is not null
union all select 'PURCHASE_ENTRY', id::text, entry_id, '-', 0, 0, 'the entry is not this purchase''s PURCHASE entry'
    from purchases where entry_id is not null and (kind is distinct from 'PURCHASE' or cause_id is distinct from id)
union all select 'PURCHASE_ENTRY', id::text, entry_id, 'COIN', coins, wallet, 'coins credited'
    from purchases where entry_id is not null and wallet <> coins
union all select 'PURCHASE_ENTRY', id::text, entry_id, currency, price_minor, funding, 'money paid in'
    from purchases where entry_id is not null and funding <> price_minor
union all select 'PURCHASE_STATE', id::text, entry_id, '-', 0, 0, status || ' purchase and its reversal record disagree'
    from purchases where (status in ('REFUNDED', 'CHARGED_BACK')) <> (reversal_id is not null)
-- payouts and their entries
union all select 'PAYOUT_ENTRY', id::text, entry_id, '-', 0, 0, 'the entry is not this payout''s PAYOUT entry'
    from payouts where kind1 is distinct from 'PAYOUT' or cause1 is distinct from id
union all select 'PAYOUT_ENTRY', id::text, entry_id, 'DIAMOND', -diamonds, available1, 'diamonds taken from available'
    from payouts where available1 <> -diamonds or in_payout1 <> diamonds
union all select 'PAYOUT_ENTRY', id::text, closing_entry_id, '-', 0, 0, status || ' payout and its closing entry disagree'
    from payouts where (status in ('REQUESTED', 'APPROVED')) <> (closing_entry_id is null)
    or (status = 'PAID' and (kind2 is distinct from 'PAYOUT_PAID' or cause2 is distinct from id))
    or (status in ('REJECTED', 'FAILED') and (kind2 is distinct from 'PAYOUT_REVERSAL' or cause2 is distinct from id))
union all select 'PAYOUT_ENTRY', id::text, closing_entry_id, 'DIAMOND', -diamonds, in_payout2, 'diamonds leaving in-payout'
    from payouts where closing_entry_id is not null and in_payout2 <> -diamonds
union all select 'PAYOUT_ENTRY', id::text, closing_entry_id, currency, amount_minor, cashed2, 'cash paid out'
    from payouts where status = 'PAID' and cashed2 <> amount_minor
union all select 'PAYOUT_ENTRY', id::text, closing_entry_id, 'DIAMOND', diamonds, available2, 'diamonds returned to available'
    from payouts where status in ('REJECTED', 'FAILED') and available2 <> diamonds
-- entries no record accounts for
union all select 'ORPHAN_ENTRY', e.cause_id::text, e.id, '-', 0, 0, e.kind || ' entry without its record'
    from journal_entry e where
       (e.kind = 'GIFT' and not exists (select 1 from gift_event g where g.entry_id = e.id))
    or (e.kind = 'PURCHASE' and not exists (select 1 from purchase p where p.entry_id = e.id))
    or (e.kind = 'REVERSAL' and not exists (select 1 from purchase_reversal r where r.entry_id = e.id))
    or (e.kind = 'PAYOUT' and not exists (select 1 from payout p where p.entry_id = e.id))
    or (e.kind in ('PAYOUT_PAID', 'PAYOUT_REVERSAL') and not exists (select 1 from payout p where p.closing_entry_id = e.id))
    or (e.kind = 'MATURITY' and not exists (select 1 from gift_event g where g.matured_entry_id = e.id))
    or (e.kind = 'DEBT_SETTLEMENT' and not exists (select 1 from purchase p where p.id = e.cause_id))
    or (e.kind = 'GRANT' and not exists (select 1 from idempotency_key k where k.result_id = e.cause_id and k.operation = 'grantCoins'))
    or (e.kind = 'PROVIDER_FEE' and not exists (select 1 from provider_fee f where f.entry_id = e.id))
    or (e.kind = 'ERASURE_FORFEIT' and not exists (select 1 from erasure_request x where x.forfeit_entry_id = e.id))
    or e.kind not in ('GIFT', 'PURCHASE', 'REVERSAL', 'PAYOUT', 'PAYOUT_PAID', 'PAYOUT_REVERSAL', 'MATURITY', 'DEBT_SETTLEMENT', 'GRANT',
                      'PROVIDER_FEE', 'ERASURE_FORFEIT')
-- erasures: the forfeit entry took exactly the recorded coins from the person's wallet and debt from their debt account,
-- and diamonds from their available ones, and put them where the request says (repaid to issuance, forfeited, written off)
union all select 'ERASURE_FORFEIT', x.id::text, x.forfeit_entry_id, m.asset, m.expected, m.actual, m.what
    from erasure_request x
    left join (select eb.entry_id,
                      sum(eb.amount) filter (where eb.purpose = 'WALLET' and eb.owner_id = r.user_id) as wallet,
                      sum(eb.amount) filter (where eb.purpose = 'COIN_DEBT' and eb.owner_id = r.user_id) as debt,
                      sum(eb.amount) filter (where eb.purpose = 'FORFEITED_COINS' and eb.owner_id is null) as forfeited,
                      sum(eb.amount) filter (where eb.purpose = 'DEBT_WRITTEN_OFF' and eb.owner_id is null) as written_off,
                      sum(eb.amount) filter (where eb.purpose = 'DIAMONDS_AVAILABLE' and eb.owner_id = r.user_id) as diamonds,
                      sum(eb.amount) filter (where eb.purpose = 'FORFEITED_DIAMONDS' and eb.owner_id is null) as forfeited_diamonds
               from eb join erasure_request r on r.forfeit_entry_id = eb.entry_id group by eb.entry_id) e
        on e.entry_id = x.forfeit_entry_id
    cross join lateral (values
        ('COIN', -(x.forfeited_coins + x.debt_settled), coalesce(e.wallet, 0), 'coins taken from the wallet at erasure'),
        ('COIN', -(x.debt_settled + x.debt_written_off), coalesce(e.debt, 0), 'coin debt closed at erasure'),
        ('COIN', x.forfeited_coins, coalesce(e.forfeited, 0), 'coins forfeited at erasure'),
        ('COIN', x.debt_written_off, coalesce(e.written_off, 0), 'coin debt written off at erasure'),
        ('DIAMOND', -x.forfeited_diamonds, coalesce(e.diamonds, 0), 'diamonds taken from the available ones at erasure'),
        ('DIAMOND', x.forfeited_diamonds, coalesce(e.forfeited_diamonds, 0), 'diamonds forfeited at erasure')) m(asset, expected, actual, what)
    where x.forfeit_entry_id is not null and m.expected <> m.actual
-- the platform's accounts of erasure against their records: what was forfeited and not retired since, what was written off
union all select 'ERASURE_BALANCE', p.purpose, null, p.asset, p.expected, coalesce(b.balance, 0), p.what
    from (values
        ('FORFEITED_COINS', 'COIN', (select coalesce(sum(forfeited_coins), 0) from erasure_request where forfeit_entry_id is not null)
                          + (select coalesce(sum(coins_forfeited - forfeit_retired), 0) from purchase_reversal),
         'forfeited at erasure + by later reversals - retired by later reversals'),
        ('DEBT_WRITTEN_OFF', 'COIN', (select coalesce(sum(debt_written_off), 0) from erasure_request where forfeit_entry_id is not null)
                           + (select coalesce(sum(coins_written_off), 0) from purchase_reversal), 'written off at erasure + by later reversals'),
        ('FORFEITED_DIAMONDS', 'DIAMOND', (select coalesce(sum(forfeited_diamonds), 0) from erasure_request where forfeit_entry_id is not null),
         'diamonds below the cash-out minimum, forfeited at erasure')
    ) p(purpose, asset, expected, what)
    left join (select a.purpose, a.asset, sum(b.balance) as balance from account_balance b join ledger_account a on a.id = b.account_id
               where a.owner_id is null group by a.purpose, a.asset) b on b.purpose = p.purpose and b.asset = p.asset
    where p.expected <> coalesce(b.balance, 0)
-- provider fees: each PROVIDER_FEE entry moved exactly its fee rows' total into clearing, from the fees account
union all select 'PROVIDER_FEE', f.entry_id::text, f.entry_id, f.currency, f.minor, coalesce(c.amount, 0), 'provider fees booked'
    from (select entry_id, currency, sum(fee_minor) as minor from provider_fee group by entry_id, currency) f
    left join (select eb.entry_id, sum(eb.amount) filter (where eb.purpose = 'PAYMENT_CLEARING') as amount,
                      sum(eb.amount) filter (where eb.purpose = 'PROVIDER_FEES') as fees
               from eb where eb.entry_id in (select entry_id from provider_fee) group by eb.entry_id) c on c.entry_id = f.entry_id
    where coalesce(c.amount, 0) <> f.minor or coalesce(c.fees, 0) <> -f.minor
-- balances against the records
union all select 'WALLET_BALANCE', coalesce(m.owner_id, b.owner_id), null, 'COIN', coalesce(m.coins, 0), coalesce(b.balance, 0),
       'purchases + grants - gifts + reversed gifts - clawbacks - debt repaid'
    from wallet_moves m full join (select owner_id, balance from balances where purpose = 'WALLET') b on b.owner_id = m.owner_id
    where coalesce(m.coins, 0) <> coalesce(b.balance, 0)
union all select 'DEBT_BALANCE', coalesce(d.owner_id, b.owner_id), null, 'COIN', coalesce(d.coins, 0), coalesce(b.balance, 0),
       'reversal debts - debt repaid'
    from debts d full join (select owner_id, balance from balances where purpose = 'COIN_DEBT') b on b.owner_id = d.owner_id
    where coalesce(d.coins, 0) <> coalesce(b.balance, 0)
union all select 'CREATOR_BALANCE', coalesce(c.owner_id, b.owner_id), null, 'DIAMOND', coalesce(c.pending, 0), coalesce(b.balance, 0),
       'pending: gifts neither matured nor reversed'
    from creators c full join (select owner_id, balance from balances where purpose = 'DIAMONDS_PENDING') b on b.owner_id = c.owner_id
    where coalesce(c.pending, 0) <> coalesce(b.balance, 0)
union all select 'CREATOR_BALANCE', coalesce(c.owner_id, b.owner_id), null, 'DIAMOND',
       coalesce(c.matured, 0) - coalesce(t.taken, 0) - coalesce(f.forfeited, 0),
       coalesce(b.balance, 0), 'available: matured gifts - payouts not rejected or failed - forfeited at erasure'
    from creators c full join (select owner_id, balance from balances where purpose = 'DIAMONDS_AVAILABLE') b on b.owner_id = c.owner_id
    left join payout_totals t on t.owner_id = coalesce(c.owner_id, b.owner_id)
    left join (select user_id, sum(forfeited_diamonds) as forfeited from erasure_request where forfeited_diamonds > 0 group by user_id) f
        on f.user_id = coalesce(c.owner_id, b.owner_id)
    where coalesce(c.matured, 0) - coalesce(t.taken, 0) - coalesce(f.forfeited, 0) <> coalesce(b.balance, 0)
union all select 'CREATOR_BALANCE', coalesce(t.owner_id, b.owner_id), null, 'DIAMOND', coalesce(t.in_payout, 0), coalesce(b.balance, 0),
       'in payout: payouts requested or approved'
    from payout_totals t full join (select owner_id, balance from balances where purpose = 'DIAMONDS_IN_PAYOUT') b on b.owner_id = t.owner_id
    where coalesce(t.in_payout, 0) <> coalesce(b.balance, 0)
-- spend per viewer and local day (spend_day's days and the wallet row's, V43) against the gifts of that day
union all select 'SPEND_DAY', coalesce(s.user_id, d.user_id) || ' ' || coalesce(s.day, d.day)::text, null, 'COIN',
       coalesce(s.coins, 0), coalesce(d.coins, 0), 'coins gifted that local day'
    from spent s full join (select user_id, day, sum(coins) as coins from spend_by_day where user_id not in (select sender_id from legacy_spenders)
                     group by user_id, day) d
        on d.user_id = s.user_id and d.day = s.day
    where coalesce(s.coins, 0) <> coalesce(d.coins, 0)
union all select 'SPEND_DAY', s.user_id, null, 'COIN', coalesce(g.coins, 0), s.coins, 'coins gifted in all (gifts before local days were kept)'
    from (select user_id, sum(coins) as coins from spend_by_day where user_id in (select sender_id from legacy_spenders) group by user_id) s
    left join (select sender_id, sum(coins) as coins from gift_event group by sender_id) g on g.sender_id = s.user_id
    where coalesce(g.coins, 0) <> s.coins
-- leaderboards and earnings rollups against the ledger
union all select 'ROLLUP', 'supporters ' || coalesce(e.creator_id, t.creator_id) || ' ' || coalesce(e.period, t.period) || ' '
       || coalesce(e.period_start, t.period_start)::text || ' '
       || case when coalesce(e.anonymous, t.anonymous) then 'anonymous' else coalesce(e.sender_id, t.sender_id) end, null, 'COIN',
       coalesce(e.coins, 0), coalesce(t.coins, 0), 'creator_supporter_total'
    from expected_supporters e full join creator_supporter_total t on t.creator_id = e.creator_id and t.period = e.period
        and t.period_start = e.period_start and t.sender_id = e.sender_id and t.anonymous = e.anonymous
    where coalesce(e.coins, 0) <> coalesce(t.coins, 0)
union all select 'ROLLUP', 'gifters ' || coalesce(e.period, t.period) || ' ' || coalesce(e.period_start, t.period_start)::text || ' '
       || case when coalesce(e.anonymous, t.anonymous) then 'anonymous' else coalesce(e.sender_id, t.sender_id) end, null, 'COIN',
       coalesce(e.coins, 0), coalesce(t.coins, 0), 'gifter_total'
    from expected_gifters e full join gifter_total t on t.period = e.period and t.period_start = e.period_start
        and t.sender_id = e.sender_id and t.anonymous = e.anonymous
    where coalesce(e.coins, 0) <> coalesce(t.coins, 0)
union all select 'ROLLUP', 'creators ' || coalesce(e.period, t.period) || ' ' || coalesce(e.period_start, t.period_start)::text || ' '
       || coalesce(e.creator_id, t.creator_id), null, 'COIN', coalesce(e.coins, 0), coalesce(t.coins, 0), 'creator_total'
    from expected_creators e full join (select period, period_start, creator_id, sum(coins) as coins from creator_total group by 1, 2, 3) t
        on t.period = e.period and t.period_start = e.period_start and t.creator_id = e.creator_id
    where coalesce(e.coins, 0) <> coalesce(t.coins, 0)
-- (in the supporters' lines an anonymous gift's sender is compared, never named: the subject says "anonymous")
union all select 'ROLLUP', 'stream ' || coalesce(e.stream_id, t.stream_id)::text || ' '
       || case when coalesce(e.anonymous, t.anonymous) then 'anonymous' else coalesce(e.sender_id, t.sender_id) end, null, 'COIN',
       coalesce(e.coins, 0), coalesce(t.coins, 0), 'stream_supporter_total'
    from expected_streams e full join stream_supporter_total t on t.stream_id = e.stream_id and t.sender_id = e.sender_id
        and t.anonymous = e.anonymous
    where coalesce(e.coins, 0) <> coalesce(t.coins, 0)
union all select 'ROLLUP', 'hour ' || coalesce(e.creator_id, t.creator_id) || ' ' || coalesce(e.hour, t.hour)::text, null, 'COIN',
       coalesce(e.coins, 0), coalesce(t.coins, 0), 'creator_hour_total'
    from expected_hours e full join (select creator_id, hour, sum(coins) as coins from creator_hour_total group by 1, 2) t
        on t.creator_id = e.creator_id and t.hour = e.hour
    where coalesce(e.coins, 0) <> coalesce(t.coins, 0)
union all select 'ROLLUP', 'stream counter ' || coalesce(e.stream_id, q.stream_id)::text, null, 'COIN', coalesce(e.coins, 0), coalesce(q.coins, 0),
       'stream_gift_seq: gifts ' || coalesce(q.last, 0) || ' of ' || coalesce(e.gifts, 0) || ', diamonds ' || coalesce(q.diamonds, 0)
       || ' of ' || coalesce(e.diamonds, 0)
    from expected_counters e full join stream_gift_seq q on q.stream_id = e.stream_id
    where coalesce(e.gifts, 0) <> coalesce(q.last, 0) or coalesce(e.coins, 0) <> coalesce(q.coins, 0)
       or coalesce(e.diamonds, 0) <> coalesce(q.diamonds, 0)
-- each stream goal against the gifts committed while it was active (each gift is checked against its entry above)
union all select 'GOAL', 'goal ' || g.id::text, null, 'COIN', coalesce(x.progress, 0), g.progress,
       'progress ' || g.progress || ', coins ' || g.coins || ', reached ' || (g.reached_at is not null)::text
    from stream_goal g
    left join lateral (select sum(case when g.kind = 'COINS' then e.coins else e.quantity end) as progress, sum(e.coins) as coins
                       from gift_event e
                       where e.stream_id = g.stream_id and e.stream_seq > g.start_seq and (g.end_seq is null or e.stream_seq <= g.end_seq)
                         and (g.kind = 'COINS' or e.gift_id = g.gift_id)) x on true
    where coalesce(x.progress, 0) <> g.progress or coalesce(x.coins, 0) <> g.coins or (g.reached_at is not null) <> (g.progress >= g.target)
-- each match's scores against the gifts that scored: gifts of that side's stream, with their coins, scored inside the window
union all select 'MATCH', 'match ' || m.id::text, null, 'COIN', coalesce(x.inviter, 0) + coalesce(x.invitee, 0),
       m.inviter_score + m.invitee_score, 'scores ' || m.inviter_score || ':' || m.invitee_score || ', gifts ' || coalesce(x.inviter, 0)
       || ':' || coalesce(x.invitee, 0) || ', misplaced ' || coalesce(x.bad, 0)
    from live_match m
    left join lateral (select sum(g.coins) filter (where s.side = 'R') as inviter, sum(g.coins) filter (where s.side = 'E') as invitee,
                              count(*) filter (where g.id is null or g.coins <> s.coins
                                  or g.stream_id <> case when s.side = 'R' then m.inviter_stream else m.invitee_stream end
                                  or s.scored_at < m.started_at or s.scored_at >= m.ends_at) as bad
                       from match_gift s left join gift_event g on g.id = s.event_id where s.match_id = m.id) x on true
    where coalesce(x.inviter, 0) <> m.inviter_score or coalesce(x.invitee, 0) <> m.invitee_score or coalesce(x.bad, 0) > 0
limit 100
