-- Benchmark seed through the admin path (SQL run by the operator's script), keeping every ledger
-- invariant: each viewer's coins arrive as a balanced GRANT entry from the promotions account.
-- psql variables: viewers, creators, coins.
begin;
insert into app_user (id, display_name, region, birthdate, created_at)
select 'bv' || i, 'Viewer ' || i, 'US', date '1990-01-01', now() from generate_series(1, :viewers) i;
insert into app_user (id, display_name, region, birthdate, created_at)
select 'bc' || i, 'Creator ' || i, 'US', date '1985-01-01', now() from generate_series(1, :creators) i;

insert into ledger_account (owner_id, purpose, asset, allow_negative, created_at)
values (null, 'PROMOTIONS', 'COIN', true, now()) on conflict do nothing;
insert into ledger_account (owner_id, purpose, asset, allow_negative, created_at)
select 'bv' || i, 'WALLET', 'COIN', false, now() from generate_series(1, :viewers) i;

insert into journal_entry (kind, cause_id, memo, created_at)
select 'GRANT', md5('bench-grant-' || i)::uuid, 'benchmark funding', now() from generate_series(1, :viewers) i;
-- the grant's record, as grantCoins keeps it (the reconciling audit matches every GRANT entry to one)
insert into idempotency_key (owner_id, key, operation, request_hash, result_id, created_at)
select 'bench-operator', 'bench-grant-' || i, 'grantCoins', md5('bench-grant-' || i), md5('bench-grant-' || i)::uuid, now()
from generate_series(1, :viewers) i;

create temp table seed_map on commit drop as
select i, e.id as entry_id, a.id as wallet_id
from generate_series(1, :viewers) i
join journal_entry e on e.cause_id = md5('bench-grant-' || i)::uuid
join ledger_account a on a.owner_id = 'bv' || i and a.purpose = 'WALLET';

insert into posting (entry_id, account_id, slot, amount)
select entry_id, wallet_id, 0, :coins from seed_map
union all
select entry_id, (select id from ledger_account where owner_id is null and purpose = 'PROMOTIONS' and asset = 'COIN'), 0, -:coins
from seed_map;

insert into account_balance (account_id, slot, balance, allow_negative)
select wallet_id, 0, :coins, false from seed_map;
insert into account_balance (account_id, slot, balance, allow_negative)
select id, 0, -(:coins)::bigint * :viewers, true from ledger_account where owner_id is null and purpose = 'PROMOTIONS' and asset = 'COIN'
on conflict (account_id, slot) do update set balance = account_balance.balance + excluded.balance;

insert into gift (id, name, coins, tier, animation_key, regions, active_from, created_at, updated_at)
values ('00000000-0000-4000-9000-000000000001', 'Rose', 1, 1, 'gifts/rose', '{}', now() - interval '1 day', now(), now())
on conflict do nothing;

insert into live_stream (id, creator_id, title, status, started_at)
select md5('bench-stream-' || i)::uuid, 'bc' || i, 'Bench stream ' || i, 'LIVE', now() from generate_series(1, :creators) i;
commit;
analyze;
