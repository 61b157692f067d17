-- Issue 31: a gift writes no row of its own for the day's spend. The gift batch already rewrites the sender's wallet
-- row (the ledger's conditional debit); that row now also holds the sender's spend of their latest local day
-- (spent_on, spent_coins), counted by the same row update, at no WAL record of its own (a gift wrote one or two for
-- its spend_day row: the update, or a day's first insert and its index entry). When a gift of a later day arrives, the
-- day the wallet row held is handed to spend_day (one row per person and active day, written once), and the row starts
-- the new day. A gift of a day before the row's (the viewer's zone moved west) is added to spend_day directly.
-- Only the gift batch writes these two columns, under the sender's owner lock; every other writer of the wallet row
-- (purchases, reversals, grants, erasure) changes its balance only.
--
-- Upgrading: spend_day keeps every day written before, today's included, and the wallet rows start empty, so nothing
-- is moved; spend_by_day reads both. Replace every instance at once (README: "Upgrading to V43"): an instance of an
-- earlier build counts only spend_day, so beside new ones it would let a viewer spend a day's cap twice, and its
-- ledgerAudit would report every day held on a wallet row as SPEND_DAY. Going back below V43 hands the wallet rows'
-- days to spend_day first, with the service stopped (the README gives the statement).
-- (Adding the columns, a default and an unvalidated check changes the catalogue only: no scan of the table under its
-- lock, which every debit and credit waits for. Every row has spent_coins 0 until a gift writes it, and the check
-- holds for every row written from now on.)
alter table account_balance add column spent_on date, add column spent_coins bigint not null default 0;
alter table account_balance add constraint account_balance_spent_not_negative check (spent_coins >= 0) not valid;

-- What a person gifted per local day, for whole-table readers (ledgerAudit): spend_day's days and the wallet row's
-- day. A day can appear twice (its figure from before an upgrade, or from a zone that moved west, in spend_day, and the
-- rest on the wallet row): readers sum.
create view spend_by_day as
    select s.user_id, s.day, s.coins from spend_day s
    union all
    select a.owner_id, b.spent_on, b.spent_coins
    from ledger_account a join account_balance b on b.account_id = a.id and b.slot = 0
    where a.purpose = 'WALLET' and a.asset = 'COIN' and b.spent_on is not null;

-- The one rule for what a person has gifted since a local day (days after it count too: they exist only when the
-- viewer's zone moved west, and changing zones must not reopen a cap): their days in spend_day and their wallet row's
-- day (p_wallet: their COIN wallet's account id; null when they have none). Read by the gift batch's caps and by
-- SpendingLimits. A single-SELECT SQL function returning a table, so PostgreSQL inlines it where it is called (a
-- scalar SQL function with subqueries would not be): two primary-key probes, spend_day_pkey and account_balance_pkey,
-- whatever the statistics say (through spend_by_day's join, a plan made on empty statistics read every account).
create function spent_since(p_user text, p_wallet bigint, p_from date) returns table (coins bigint)
language sql stable as $$
    select coalesce(sum(d.coins), 0)::bigint
    from (select s.coins from spend_day s where s.user_id = p_user and s.day >= p_from
          union all
          select b.spent_coins from account_balance b where b.account_id = p_wallet and b.slot = 0 and b.spent_on >= p_from) d
$$;
