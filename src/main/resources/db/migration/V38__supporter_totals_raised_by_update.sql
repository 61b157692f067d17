-- A gift's supporter total on its stream, when the supporter is already there, is raised by a plain UPDATE: an upsert
-- that finds its row writes a lock record and then the update (issue 31: WAL per gift). The rest of the function is
-- V20's, unchanged.
create or replace function gift_events_added() returns trigger language plpgsql as $$
begin
    -- a supporter already on the stream's board is raised by a plain UPDATE (an upsert that finds its row writes two WAL
    -- records, the row's lock and the update); only a new one goes through the upsert. A batch holds its senders' owner
    -- locks, so no other batch writes these rows meanwhile.
    with raised as (
        update stream_supporter_total t set coins = t.coins + a.coins, gifts = t.gifts + a.gifts
        from (select stream_id, sender_id, anonymous, sum(coins) as coins, count(*) as gifts from added group by 1, 2, 3) a
        where t.stream_id = a.stream_id and t.sender_id = a.sender_id and t.anonymous = a.anonymous
        returning t.stream_id, t.sender_id, t.anonymous
    )
    insert into stream_supporter_total as t (stream_id, sender_id, anonymous, coins, gifts)
    select a.stream_id, a.sender_id, a.anonymous, sum(a.coins), count(*) from added a
    where not exists (select 1 from raised r where r.stream_id = a.stream_id and r.sender_id = a.sender_id and r.anonymous = a.anonymous)
    group by 1, 2, 3 order by 1, 2, 3
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
