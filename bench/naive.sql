-- The naive raw-SQL gift: the yardstick the service is measured against (same machine, same run).
drop schema if exists bench_naive cascade;
create schema bench_naive;
create table bench_naive.wallet (id int primary key, coins bigint not null);
create table bench_naive.creator (id int primary key, diamonds bigint not null);
create table bench_naive.event (id bigserial primary key, viewer int not null, creator int not null, coins int not null,
                                created_at timestamptz not null default now());
insert into bench_naive.wallet select i, 1000000 from generate_series(1, :viewers) i;
insert into bench_naive.creator select i, 0 from generate_series(1, :creators) i;
analyze;
