-- Live engagement, part one: rollups that leaderboards, topGifters and the earnings breakdowns read, so their
-- cost does not grow with a creator's history; anonymous gifts; staying off leaderboards.
--
-- The rollups are kept by statement-level triggers on gift_event, in the transaction that writes the events: one
-- set of upserts per gift batch (aggregated per key over the batch), never a separate job, so they are exactly the
-- committed gifts. A reversal (refund, chargeback) subtracts its gifts again. Leaderboard periods are UTC: the day,
-- the ISO week (from Monday) and the month a gift was sent in, and all time (period 'A', start 1970-01-01).
-- Rows of one creator that every batch touches (totals, per gift, per stream, per hour) are kept per lane slot,
-- like stream_total, so concurrent lanes never queue on one row; rows per sender need no slot (one sender's gifts
-- are never in two batches at once: the batch holds the sender's owner lock).

alter table gift_event add column anonymous boolean not null default false;
alter table app_user add column hide_from_leaderboards boolean not null default false;

-- A creator's supporters per period (CREATOR_SUPPORTERS, earnings' topSupporters)
create table creator_supporter_total (
    creator_id   text not null,
    period       char(1) not null check (period in ('D', 'W', 'M', 'A')),
    period_start date not null,
    sender_id    text not null,
    anonymous    boolean not null,
    coins        bigint not null,
    gifts        bigint not null,
    diamonds     bigint not null,
    primary key (creator_id, period, period_start, sender_id, anonymous)
);
create index creator_supporter_top_idx on creator_supporter_total (creator_id, period, period_start, coins desc, sender_id);

-- A stream's supporters (topGifters)
create table stream_supporter_total (
    stream_id uuid not null,
    sender_id text not null,
    anonymous boolean not null,
    coins     bigint not null,
    gifts     bigint not null,
    primary key (stream_id, sender_id, anonymous)
);
create index stream_supporter_top_idx on stream_supporter_total (stream_id, coins desc, sender_id);

-- Platform-wide gifters per period (TOP_GIFTERS)
create table gifter_total (
    period       char(1) not null check (period in ('D', 'W', 'M', 'A')),
    period_start date not null,
    sender_id    text not null,
    anonymous    boolean not null,
    coins        bigint not null,
    gifts        bigint not null,
    primary key (period, period_start, sender_id, anonymous)
);
create index gifter_top_idx on gifter_total (period, period_start, coins desc, sender_id);

-- Platform-wide creators per period (TOP_CREATORS), per lane slot
create table creator_total (
    period       char(1) not null check (period in ('D', 'W', 'M', 'A')),
    period_start date not null,
    creator_id   text not null,
    slot         smallint not null,
    coins        bigint not null,
    gifts        bigint not null,
    diamonds     bigint not null,
    primary key (period, period_start, creator_id, slot)
);

-- A creator's earnings by gift, by stream and by UTC hour, per lane slot
create table creator_gift_total (
    creator_id text not null,
    gift_id    uuid not null,
    slot       smallint not null,
    gifts      bigint not null,
    quantity   bigint not null,
    coins      bigint not null,
    diamonds   bigint not null,
    primary key (creator_id, gift_id, slot)
);
create table creator_stream_total (
    creator_id text not null,
    stream_id  uuid not null,
    slot       smallint not null,
    gifts      bigint not null,
    quantity   bigint not null,
    coins      bigint not null,
    diamonds   bigint not null,
    primary key (creator_id, stream_id, slot)
);
create table creator_hour_total (
    creator_id text not null,
    hour       timestamptz not null,
    slot       smallint not null,
    gifts      bigint not null,
    coins      bigint not null,
    diamonds   bigint not null,
    primary key (creator_id, hour, slot)
);

-- Adds (sign 1) or takes back (sign -1) a set of gifts in every rollup. The one place the rollup rules live.
-- (PL/pgSQL, so its statement is planned once per connection and kept, like the batch statement.)
create function apply_gift_rollups(sign int, a_creators text[], a_senders text[], a_anonymous boolean[], a_streams uuid[],
                                   a_gifts uuid[], a_quantities int[], a_coins bigint[], a_diamonds bigint[], a_at timestamptz[],
                                   a_slots smallint[])
returns void language plpgsql as $$
begin
    with g as (
        select * from unnest(a_creators, a_senders, a_anonymous, a_streams, a_gifts, a_quantities, a_coins, a_diamonds, a_at, a_slots)
            as g(creator_id, sender_id, anonymous, stream_id, gift_id, quantity, coins, diamonds, at, slot)
    ),
    p as (
        select g.*, x.period, x.period_start from g
        cross join lateral (values
            ('D', (g.at at time zone 'UTC')::date),
            ('W', date_trunc('week', g.at at time zone 'UTC')::date),
            ('M', date_trunc('month', g.at at time zone 'UTC')::date),
            ('A', date '1970-01-01')) as x(period, period_start)
    ),
    cs as (
        insert into creator_supporter_total as t (creator_id, period, period_start, sender_id, anonymous, coins, gifts, diamonds)
        select creator_id, period, period_start, sender_id, anonymous, sign * sum(coins), sign * count(*), sign * sum(diamonds)
        from p group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
        on conflict (creator_id, period, period_start, sender_id, anonymous) do update
            set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts, diamonds = t.diamonds + excluded.diamonds
    ),
    ss as (
        insert into stream_supporter_total as t (stream_id, sender_id, anonymous, coins, gifts)
        select stream_id, sender_id, anonymous, sign * sum(coins), sign * count(*)
        from g group by 1, 2, 3 order by 1, 2, 3
        on conflict (stream_id, sender_id, anonymous) do update set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts
    ),
    gt as (
        insert into gifter_total as t (period, period_start, sender_id, anonymous, coins, gifts)
        select period, period_start, sender_id, anonymous, sign * sum(coins), sign * count(*)
        from p group by 1, 2, 3, 4 order by 1, 2, 3, 4
        on conflict (period, period_start, sender_id, anonymous) do update set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts
    ),
    ct as (
        insert into creator_total as t (period, period_start, creator_id, slot, coins, gifts, diamonds)
        select period, period_start, creator_id, slot, sign * sum(coins), sign * count(*), sign * sum(diamonds)
        from p group by 1, 2, 3, 4 order by 1, 2, 3, 4
        on conflict (period, period_start, creator_id, slot) do update
            set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts, diamonds = t.diamonds + excluded.diamonds
    ),
    cg as (
        insert into creator_gift_total as t (creator_id, gift_id, slot, gifts, quantity, coins, diamonds)
        select creator_id, gift_id, slot, sign * count(*), sign * sum(quantity), sign * sum(coins), sign * sum(diamonds)
        from g group by 1, 2, 3 order by 1, 2, 3
        on conflict (creator_id, gift_id, slot) do update set gifts = t.gifts + excluded.gifts,
            quantity = t.quantity + excluded.quantity, coins = t.coins + excluded.coins, diamonds = t.diamonds + excluded.diamonds
    ),
    cst as (
        insert into creator_stream_total as t (creator_id, stream_id, slot, gifts, quantity, coins, diamonds)
        select creator_id, stream_id, slot, sign * count(*), sign * sum(quantity), sign * sum(coins), sign * sum(diamonds)
        from g group by 1, 2, 3 order by 1, 2, 3
        on conflict (creator_id, stream_id, slot) do update set gifts = t.gifts + excluded.gifts,
            quantity = t.quantity + excluded.quantity, coins = t.coins + excluded.coins, diamonds = t.diamonds + excluded.diamonds
    )
    insert into creator_hour_total as t (creator_id, hour, slot, gifts, coins, diamonds)
    select creator_id, date_trunc('hour', at), slot, sign * count(*), sign * sum(coins), sign * sum(diamonds)
    from g group by 1, 2, 3 order by 1, 2, 3
    on conflict (creator_id, hour, slot) do update
        set gifts = t.gifts + excluded.gifts, coins = t.coins + excluded.coins, diamonds = t.diamonds + excluded.diamonds;
end $$;

create function gift_events_added() returns trigger language plpgsql as $$
begin
    perform apply_gift_rollups(1, array_agg(creator_id), array_agg(sender_id), array_agg(anonymous), array_agg(stream_id),
        array_agg(gift_id), array_agg(quantity), array_agg(coins), array_agg(diamonds), array_agg(created_at), array_agg(slot))
    from added having count(*) > 0;
    return null;
end $$;

create function gift_events_reversed() returns trigger language plpgsql as $$
begin
    perform apply_gift_rollups(-1, array_agg(n.creator_id), array_agg(n.sender_id), array_agg(n.anonymous), array_agg(n.stream_id),
        array_agg(n.gift_id), array_agg(n.quantity), array_agg(n.coins), array_agg(n.diamonds), array_agg(n.created_at), array_agg(n.slot))
    from after_update n join before_update o on o.id = n.id
    where o.reversed_entry_id is null and n.reversed_entry_id is not null
    having count(*) > 0;
    return null;
end $$;

create trigger gift_event_rollups_insert after insert on gift_event
    referencing new table as added for each statement execute function gift_events_added();
create trigger gift_event_rollups_reverse after update on gift_event
    referencing old table as before_update new table as after_update for each statement execute function gift_events_reversed();

-- What is already there
select apply_gift_rollups(1, array_agg(creator_id), array_agg(sender_id), array_agg(anonymous), array_agg(stream_id),
    array_agg(gift_id), array_agg(quantity), array_agg(coins), array_agg(diamonds), array_agg(created_at), array_agg(slot))
from gift_event where reversed_entry_id is null having count(*) > 0;
