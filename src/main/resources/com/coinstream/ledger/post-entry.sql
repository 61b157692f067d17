-- One journal entry: the entry row, its postings, and the balance rows they change, in the caller's transaction.
-- $1 kind, $2 cause, $3 rate version, $4 memo, $5 time; postings $6 accounts, $7 slots, $8 amounts;
-- balance changes, netted per row and sorted by (account, slot): $9 accounts, $10 slots, $11 deltas, $12 allow_negative.
with entry as (
    insert into journal_entry (kind, cause_id, rate_version, memo, created_at)
    values ($1, $2, $3, $4, $5) returning id),
postings as (
    insert into posting (entry_id, account_id, slot, amount)
    select entry.id, p.account_id, p.slot, p.amount
    from entry, unnest($6::bigint[], $7::smallint[], $8::bigint[]) as p(account_id, slot, amount)),
changes as (
    select * from unnest($9::bigint[], $10::smallint[], $11::bigint[], $12::boolean[])
        as c(account_id, slot, delta, allow_negative)
    order by c.account_id, c.slot),
-- Lock the existing rows in (account, slot) order first, so concurrent entries never deadlock.
locked as (
    select b.account_id, b.slot from account_balance b
    where (b.account_id, b.slot) in (select c.account_id, c.slot from changes c)
    order by b.account_id, b.slot
    for update),
updated as (
    update account_balance b set balance = b.balance + c.delta
    from changes c join locked l on l.account_id = c.account_id and l.slot = c.slot
    where b.account_id = c.account_id and b.slot = c.slot
    returning b.account_id, b.slot),
-- Rows seen for the first time. (CHECK is evaluated on a proposed insert row before ON CONFLICT
-- is considered, so debits must go through the UPDATE above, never through this insert.)
inserted as (
    insert into account_balance (account_id, slot, balance, allow_negative)
    select c.account_id, c.slot, c.delta, c.allow_negative from changes c
    where not exists (select 1 from updated u where u.account_id = c.account_id and u.slot = c.slot)
    order by c.account_id, c.slot
    on conflict (account_id, slot) do update set balance = account_balance.balance + excluded.balance)
select id from entry
