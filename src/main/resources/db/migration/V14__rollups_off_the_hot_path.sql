-- The rollups behind leaderboards and the earnings breakdowns move off the gift batch: a batch now writes one queue row
-- (its gifts' ids), and a single applier (any instance, under an advisory lock, every 200 ms) folds queued gifts into
-- the rollups in bulk, in one transaction with the queue rows' delete: exactly once, and aggregated over many
-- batches (a hot creator's thousands of gifts become a handful of row updates). What the batch itself still keeps,
-- because it must be exact at the moment a gift commits: the stream's supporters (topGifters, and the session
-- reminder's check), goals and matches. ledgerAudit counts queued gifts as not yet applied.

create table rollup_queue (
    id        bigserial primary key,
    sign      smallint not null check (sign in (-1, 1)),
    event_ids uuid[] not null
);

-- The bulk rollups, with a sign per gift (1 added, -1 reversed). stream_supporter_total is not here: the batch keeps it.
create or replace function apply_gift_rollups(a_signs int[], a_creators text[], a_senders text[], a_anonymous boolean[], a_streams uuid[],
                                              a_gifts uuid[], a_quantities int[], a_coins bigint[], a_diamonds bigint[], a_at timestamptz[],
                                              a_slots smallint[])
returns void language plpgsql as $$
begin
    with g as (
        select * from unnest(a_signs, a_creators, a_senders, a_anonymous, a_streams, a_gifts, a_quantities, a_coins, a_diamonds, a_at, a_slots)
            as g(sign, creator_id, sender_id, anonymous, stream_id, gift_id, quantity, coins, diamonds, at, slot)
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
        select creator_id, period, period_start, sender_id, anonymous, sum(sign * coins), sum(sign), sum(sign * diamonds)
        from p group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
        on conflict (creator_id, period, period_start, sender_id, anonymous) do update
            set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts, diamonds = t.diamonds + excluded.diamonds
    ),
    gt as (
        insert into gifter_total as t (period, period_start, sender_id, anonymous, coins, gifts)
        select period, period_start, sender_id, anonymous, sum(sign * coins), sum(sign)
        from p group by 1, 2, 3, 4 order by 1, 2, 3, 4
        on conflict (period, period_start, sender_id, anonymous) do update set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts
    ),
    ct as (
        insert into creator_total as t (period, period_start, creator_id, slot, coins, gifts, diamonds)
        select period, period_start, creator_id, 0, sum(sign * coins), sum(sign), sum(sign * diamonds)
        from p group by 1, 2, 3 order by 1, 2, 3
        on conflict (period, period_start, creator_id, slot) do update
            set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts, diamonds = t.diamonds + excluded.diamonds
    ),
    cg as (
        insert into creator_gift_total as t (creator_id, gift_id, slot, gifts, quantity, coins, diamonds)
        select creator_id, gift_id, 0, sum(sign), sum(sign * quantity), sum(sign * coins), sum(sign * diamonds)
        from g group by 1, 2 order by 1, 2
        on conflict (creator_id, gift_id, slot) do update set gifts = t.gifts + excluded.gifts,
            quantity = t.quantity + excluded.quantity, coins = t.coins + excluded.coins, diamonds = t.diamonds + excluded.diamonds
    ),
    cst as (
        insert into creator_stream_total as t (creator_id, stream_id, slot, gifts, quantity, coins, diamonds)
        select creator_id, stream_id, 0, sum(sign), sum(sign * quantity), sum(sign * coins), sum(sign * diamonds)
        from g group by 1, 2 order by 1, 2
        on conflict (creator_id, stream_id, slot) do update set gifts = t.gifts + excluded.gifts,
            quantity = t.quantity + excluded.quantity, coins = t.coins + excluded.coins, diamonds = t.diamonds + excluded.diamonds
    )
    insert into creator_hour_total as t (creator_id, hour, slot, gifts, coins, diamonds)
    select creator_id, date_trunc('hour', at), 0, sum(sign), sum(sign * coins), sum(sign * diamonds)
    from g group by 1, 2 order by 1, 2
    on conflict (creator_id, hour, slot) do update
        set gifts = t.gifts + excluded.gifts, coins = t.coins + excluded.coins, diamonds = t.diamonds + excluded.diamonds;
end $$;

-- The one applier: folds up to max_rows queued batches into the rollups and deletes them, in the caller's transaction.
-- Returns how many queue rows it applied (0 when another instance is applying right now).
create function apply_rollup_queue(max_rows int) returns int language plpgsql as $$
declare
    ids bigint[];
begin
    if not pg_try_advisory_xact_lock(3, 0) then
        return 0;
    end if;
    select array_agg(id order by id) into ids from (select id from rollup_queue order by id limit max_rows) q;
    if ids is null then
        return 0;
    end if;
    perform apply_gift_rollups(array_agg(q.sign::int), array_agg(g.creator_id), array_agg(g.sender_id), array_agg(g.anonymous),
        array_agg(g.stream_id), array_agg(g.gift_id), array_agg(g.quantity), array_agg(g.coins), array_agg(g.diamonds),
        array_agg(g.created_at), array_agg(g.slot))
    from rollup_queue q cross join lateral unnest(q.event_ids) as x(id) join gift_event g on g.id = x.id
    where q.id = any (ids) having count(*) > 0;
    delete from rollup_queue where id = any (ids);
    return array_length(ids, 1);
end $$;

-- The batch's part: the stream's supporters (exact at commit), goals, matches, and one queue row.
create or replace function gift_events_added() returns trigger language plpgsql as $$
begin
    insert into stream_supporter_total as t (stream_id, sender_id, anonymous, coins, gifts)
    select stream_id, sender_id, anonymous, sum(coins), count(*) from added group by 1, 2, 3 order by 1, 2, 3
    on conflict (stream_id, sender_id, anonymous) do update set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts;
    insert into rollup_queue (sign, event_ids) select 1, array_agg(id) from added having count(*) > 0;
    -- goals of the batch's streams (the batch holds their counter rows, so no other batch of these streams runs now)
    update stream_goal g
    set progress = g.progress + a.amount, coins = g.coins + a.coins,
        reached_at = case when g.reached_at is null and g.progress + a.amount >= g.target then clock_timestamp() else g.reached_at end
    from (select goal.id, sum(case when goal.kind = 'COINS' then e.coins else e.quantity end) as amount, sum(e.coins) as coins
          from added e
          join stream_goal goal on goal.stream_id = e.stream_id and goal.ended_at is null and e.stream_seq > goal.start_seq
                                and (goal.kind = 'COINS' or goal.gift_id = e.gift_id)
          group by goal.id) a
    where g.id = a.id;
    -- running matches of the batch's streams: scored only while the match row, locked, is running and before its end
    with scoring as (
        select m.id as match_id, e.id as event_id, case when m.inviter_stream = e.stream_id then 'R' else 'E' end as side,
               e.sender_id, e.anonymous, e.coins
        from added e
        join live_match m on m.status = 'RUNNING' and (m.inviter_stream = e.stream_id or m.invitee_stream = e.stream_id)
        where m.gift_ids is null or e.gift_id = any (m.gift_ids)
    ),
    scored as (
        update live_match m
        set inviter_score = m.inviter_score + s.inviter, invitee_score = m.invitee_score + s.invitee
        from (select match_id, coalesce(sum(coins) filter (where side = 'R'), 0) as inviter,
                     coalesce(sum(coins) filter (where side = 'E'), 0) as invitee
              from scoring group by match_id) s
        where m.id = s.match_id and m.status = 'RUNNING' and clock_timestamp() < m.ends_at
        returning m.id
    )
    insert into match_gift (match_id, event_id, side, sender_id, anonymous, coins, scored_at)
    select s.match_id, s.event_id, s.side, s.sender_id, s.anonymous, s.coins, clock_timestamp()
    from scoring s join scored d on d.id = s.match_id;
    return null;
end $$;

create or replace function gift_events_reversed() returns trigger language plpgsql as $$
begin
    with r as (
        select n.* from after_update n join before_update o on o.id = n.id
        where o.reversed_entry_id is null and n.reversed_entry_id is not null
    ),
    s as (
        insert into stream_supporter_total as t (stream_id, sender_id, anonymous, coins, gifts)
        select stream_id, sender_id, anonymous, -sum(coins), -count(*) from r group by 1, 2, 3 order by 1, 2, 3
        on conflict (stream_id, sender_id, anonymous) do update set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts
    )
    insert into rollup_queue (sign, event_ids) select -1, array_agg(id) from r having count(*) > 0;
    return null;
end $$;

-- The slot rows of the bulk rollups fold into slot 0 (one applier: no lane contention to spread).
create temporary table folded_creator_total as
    select period, period_start, creator_id, sum(coins) as coins, sum(gifts) as gifts, sum(diamonds) as diamonds from creator_total group by 1, 2, 3;
delete from creator_total;
insert into creator_total (period, period_start, creator_id, slot, coins, gifts, diamonds)
    select period, period_start, creator_id, 0, coins, gifts, diamonds from folded_creator_total;
create temporary table folded_gift as
    select creator_id, gift_id, sum(gifts) g, sum(quantity) q, sum(coins) c, sum(diamonds) d from creator_gift_total group by 1, 2;
delete from creator_gift_total;
insert into creator_gift_total (creator_id, gift_id, slot, gifts, quantity, coins, diamonds) select creator_id, gift_id, 0, g, q, c, d from folded_gift;
create temporary table folded_stream as
    select creator_id, stream_id, sum(gifts) g, sum(quantity) q, sum(coins) c, sum(diamonds) d from creator_stream_total group by 1, 2;
delete from creator_stream_total;
insert into creator_stream_total (creator_id, stream_id, slot, gifts, quantity, coins, diamonds) select creator_id, stream_id, 0, g, q, c, d from folded_stream;
create temporary table folded_hour as
    select creator_id, hour, sum(gifts) g, sum(coins) c, sum(diamonds) d from creator_hour_total group by 1, 2;
delete from creator_hour_total;
insert into creator_hour_total (creator_id, hour, slot, gifts, coins, diamonds) select creator_id, hour, 0, g, c, d from folded_hour;
drop function apply_gift_rollups(int, text[], text[], boolean[], uuid[], uuid[], int[], bigint[], bigint[], timestamptz[], smallint[]);
drop table folded_creator_total, folded_gift, folded_stream, folded_hour;
