-- Issue 31: a stream's supporters (topGifters, the session reminder's sum) become unlogged, as the other rollups did
-- in V25. The gift batch upserted one supporter row per gift, with its two index entries, in the WAL: about three of
-- the 21-22 WAL records a gift cost. Every figure in the table is a sum over gift_event (ledgerAudit checks it, kind
-- ROLLUP), so it is derived data and can be rebuilt:
-- - A crash of PostgreSQL itself empties it with the other unlogged tables and rollup_state; the applier's next round
--   rebuilds it from gift_event with the rest (rebuild_rollups, below), holding the queue's lock so each gift counts
--   once. Until then the triggers write no supporter rows (the rebuild counts those gifts from gift_event), so
--   topGifters reads as empty, never as a part of the sums.
-- - The session reminder reads the table to decide whether a gift needs confirmed: while rollup_state is empty (the
--   table may be too) every gift under a reminder needs it (gift-batch-checks.sql), so the reminder never lets a gift
--   through on a sum it cannot trust.
-- Lock order: the batch's trigger now takes the queue before it upserts supporter rows; a rebuild takes the queue
-- (EXCLUSIVE) before it empties them, so the two cannot deadlock (batches wait for a rebuild to finish, as before).
-- SET UNLOGGED rewrites the table under an exclusive lock: gifts wait for it while the migration runs (README:
-- "Upgrading to V44").

alter table stream_supporter_total set unlogged;

-- rollup_state's one row gets a key, so the gift batch (whose lanes rule out sequential scans) reads it by one probe
alter table rollup_state add column id smallint not null default 1 check (id = 1);
alter table rollup_state add primary key (id);

create or replace function gift_events_added() returns trigger language plpgsql as $$
begin
    -- the queue first: a rebuild holds it (EXCLUSIVE) before it empties the supporters, so a batch never holds
    -- supporter rows while it waits for the queue
    insert into rollup_queue (sign, event_ids) select 1, array_agg(id) from added having count(*) > 0;
    -- (not while a rebuild is pending: it counts these gifts from gift_event)
    insert into stream_supporter_total as t (stream_id, sender_id, anonymous, coins, gifts)
    select stream_id, sender_id, anonymous, sum(coins), count(*) from added where exists (select from rollup_state s where s.id = 1)
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
    where o.reversed_entry_id is null and n.reversed_entry_id is not null and exists (select from rollup_state s where s.id = 1)
    group by 1, 2, 3 order by 1, 2, 3
    on conflict (stream_id, sender_id, anonymous) do update set coins = t.coins + excluded.coins, gifts = t.gifts + excluded.gifts;
    return null;
end $$;

create or replace function rebuild_rollups() returns void language plpgsql as $$
declare
    part record;
begin
    lock table rollup_queue in exclusive mode;
    delete from rollup_queue;
    delete from board_now;
    delete from board_past;
    delete from creator_gift_total;
    delete from creator_stream_total;
    delete from creator_hour_total;
    delete from stream_supporter_total;
    insert into stream_supporter_total (stream_id, sender_id, anonymous, coins, gifts)
    select stream_id, sender_id, anonymous, sum(coins), count(*) from gift_event where reversed_entry_id is null group by 1, 2, 3;
    for part in
        select array_agg(1) as signs, array_agg(g.creator_id) as creators, array_agg(g.sender_id) as senders,
               array_agg(g.anonymous) as anonymous, array_agg(g.stream_id) as streams, array_agg(g.gift_id) as gifts,
               array_agg(g.quantity) as quantities, array_agg(g.coins) as coins, array_agg(g.diamonds) as diamonds,
               array_agg(g.created_at) as at, array_agg(g.slot) as slots
        from gift_event g where g.reversed_entry_id is null
        group by hashtext(g.id::text) & 63
    loop
        perform apply_gift_rollups(part.signs, part.creators, part.senders, part.anonymous, part.streams, part.gifts,
                                   part.quantities, part.coins, part.diamonds, part.at, part.slots);
    end loop;
    delete from rollup_state;
    insert into rollup_state (built_at) values (clock_timestamp());
end $$;
