-- Live gifting: versioned public rates, the gift catalogue, live streams, gift events and stream totals.

alter table app_user add column birthdate date;

-- Rates are versioned; each version takes effect at effective_from and is never edited.
create table rate_card (
    version           integer primary key,
    creator_share_num bigint not null,
    creator_share_den bigint not null,
    effective_from    timestamptz not null,
    created_at        timestamptz not null,
    created_by        text not null,
    constraint creator_share_is_a_fraction check (creator_share_den > 0 and creator_share_num >= 0
        and creator_share_num <= creator_share_den)
);

-- Cash value of one diamond per currency, as an exact fraction of a minor unit (USD 0.005 = 1/2 cent).
create table rate_diamond_value (
    version   integer not null references rate_card (version),
    currency  text not null check (currency ~ '^[A-Z]{3}$'),
    minor_num bigint not null check (minor_num >= 0),
    minor_den bigint not null check (minor_den > 0),
    primary key (version, currency)
);

-- Base price of coins per region: unit_price_minor buys unit_coins.
create table rate_coin_price (
    version          integer not null references rate_card (version),
    region           text not null check (region ~ '^[A-Z]{2}$'),
    currency         text not null check (currency ~ '^[A-Z]{3}$'),
    unit_coins       bigint not null check (unit_coins > 0),
    unit_price_minor bigint not null check (unit_price_minor > 0),
    primary key (version, region)
);

insert into rate_card (version, creator_share_num, creator_share_den, effective_from, created_at, created_by)
values (1, 1, 2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'migration');
insert into rate_diamond_value (version, currency, minor_num, minor_den) values
    (1, 'USD', 1, 2),
    (1, 'GBP', 2, 5),
    (1, 'EUR', 1, 2);
insert into rate_coin_price (version, region, currency, unit_coins, unit_price_minor)
select 1, region, currency, unit_coins, unit_price_minor from coin_base_price;
drop table coin_base_price;

create table gift (
    id            uuid primary key,
    name          text not null check (length(name) between 1 and 64),
    coins         bigint not null check (coins > 0),
    tier          integer not null check (tier between 1 and 10),
    animation_key text not null check (length(animation_key) between 1 and 128),
    regions       text[] not null default '{}',   -- empty = available everywhere
    active_from   timestamptz not null,
    active_until  timestamptz,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    constraint gift_window check (active_until is null or active_until > active_from)
);

create table live_stream (
    id         uuid primary key,
    seq        bigserial not null unique,
    creator_id text not null references app_user (id),
    title      text not null check (length(title) between 1 and 140),
    status     text not null check (status in ('LIVE', 'ENDED')),
    started_at timestamptz not null,
    ended_at   timestamptz
);
create unique index live_stream_one_live_per_creator on live_stream (creator_id) where status = 'LIVE';
create index live_stream_creator_idx on live_stream (creator_id, seq);

-- Running totals per stream, split over slot rows so concurrent gift batches never queue on one row.
create table stream_total (
    stream_id uuid not null references live_stream (id),
    slot      smallint not null,
    gifts     bigint not null,
    coins     bigint not null,
    diamonds  bigint not null,
    primary key (stream_id, slot)
);

-- What each viewer has bought and paid, per currency: the weighted-average price of their coins.
create table purchase_stats (
    user_id          text not null references app_user (id),
    currency         text not null,
    coins_bought     bigint not null check (coins_bought >= 0),
    money_paid_minor bigint not null check (money_paid_minor >= 0),
    primary key (user_id, currency)
);

-- A sent gift. Price, split and rate version are recorded as they were at the time of sending.
create table gift_event (
    id              uuid primary key,
    seq             bigserial not null unique,
    stream_id       uuid not null,
    gift_id         uuid not null,
    sender_id       text not null,
    creator_id      text not null,
    quantity        integer not null check (quantity between 1 and 99),
    unit_coins      bigint not null check (unit_coins > 0),
    coins           bigint not null check (coins > 0),
    diamonds        bigint not null check (diamonds >= 0),
    commission      bigint not null check (commission >= 0),
    rate_version    integer not null,
    value_minor     bigint,
    value_currency  text,
    entry_id        bigint not null,
    acknowledged_at timestamptz,
    created_at      timestamptz not null,
    constraint gift_split_is_exact check (diamonds + commission = coins and coins = unit_coins * quantity)
);
create index gift_event_stream_idx on gift_event (stream_id, seq);
create index gift_event_creator_idx on gift_event (creator_id, seq);
create index gift_event_sender_idx on gift_event (sender_id, seq);
