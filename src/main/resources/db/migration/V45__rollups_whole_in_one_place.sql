-- One home for "are the rollups whole?" (issue 31): true once rebuild_rollups() has run since PostgreSQL last emptied
-- the unlogged tables (a crash empties rollup_state with them). The applier (it rebuilds first when not), the gift
-- triggers (no supporter rows while not: the rebuild counts those gifts) and the gift batch's session reminder (every
-- gift under a reminder needs confirmed while not, gift-batch-checks.sql) each asked it in their own words; they now
-- call this: one probe of rollup_state's key (the batch only asks it for a gift under a reminder).
-- (V44's header counts "about three" WAL records per gift for the supporter row; the runs measured 4-5: 21.5 -> 17.5.)

create function rollups_whole() returns boolean language sql stable as $$
    select exists (select from rollup_state s where s.id = 1)
$$;

create or replace function gift_events_added() returns trigger language plpgsql as $$
begin
    -- the queue first: a rebuild holds it (EXCLUSIVE) before it empties the supporters, so a batch never holds
    -- supporter rows while it waits for the queue
    insert into rollup_queue (sign, event_ids) select 1, array_agg(id) from added having count(*) > 0;
    -- (not while a rebuild is pending: it counts these gifts from gift_event)
    insert into stream_supporter_total as t (stream_id, sender_id, anonymous, coins, gifts)
    select stream_id, sender_id, anonymous, sum(coins), count(*) from added where rollups_whole()
    group by 1, 2, 3 order by 1, 2, 3
    on conflict (stream_id, sender_id, anonymous) do update set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts;
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
    with now_ as (select clock_timestamp() as at),
    scoring as (
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
              from scoring group by match_id) s, now_
        where m.id = s.match_id and m.status = 'RUNNING' and now_.at < m.ends_at
        returning m.id, now_.at
    )
    insert into match_gift (match_id, event_id, side, sender_id, anonymous, coins, scored_at)
    select s.match_id, s.event_id, s.side, s.sender_id, s.anonymous, s.coins, d.at
    from scoring s join scored d on d.id = s.match_id;
    return null;
end $$;

create or replace function gift_events_reversed() returns trigger language plpgsql as $$
begin
    -- the queue first, as in gift_events_added
    insert into rollup_queue (sign, event_ids)
    select -1, array_agg(n.id) from after_update n join before_update o on o.id = n.id
    where o.reversed_entry_id is null and n.reversed_entry_id is not null
    having count(*) > 0;
    insert into stream_supporter_total as t (stream_id, sender_id, anonymous, coins, gifts)
    select n.stream_id, n.sender_id, n.anonymous, -sum(n.coins), -count(*)
    from after_update n join before_update o on o.id = n.id
    where o.reversed_entry_id is null and n.reversed_entry_id is not null and rollups_whole()
    group by 1, 2, 3 order by 1, 2, 3
    on conflict (stream_id, sender_id, anonymous) do update set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts;
    return null;
end $$;

create or replace function apply_rollup_queue(max_rows int) returns int language plpgsql as $$
declare
    ids bigint[];
begin
    if not pg_try_advisory_xact_lock(3, 0) then
        return 0;
    end if;
    if not rollups_whole() then
        perform rebuild_rollups();
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
