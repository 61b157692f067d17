-- The second SQL reference: the same gift as a hand-made double-entry ledger writes it (issue 21): in one transaction,
-- the conditional wallet debit, the creator credit, the commission balance row, an entry row, three posting rows and
-- the event. Same machine, same run, same row counts as the service's seed.
drop schema if exists bench_ledger cascade;
create schema bench_ledger;
create table bench_ledger.wallet (id int primary key, coins bigint not null check (coins >= 0));
create table bench_ledger.creator (id int primary key, diamonds bigint not null);
create table bench_ledger.commission (id int primary key, diamonds bigint not null);
create table bench_ledger.entry (id bigserial primary key, kind text not null, created_at timestamptz not null default now());
create table bench_ledger.posting (id bigserial primary key, entry_id bigint not null, account text not null, amount bigint not null);
create index on bench_ledger.posting (account, id);
create table bench_ledger.event (id bigserial primary key, entry_id bigint not null, viewer int not null, creator int not null,
                                 coins int not null, created_at timestamptz not null default now());
insert into bench_ledger.wallet select i, 1000000 from generate_series(1, :viewers) i;
insert into bench_ledger.creator select i, 0 from generate_series(1, :creators) i;
insert into bench_ledger.commission values (1, 0);
analyze;
