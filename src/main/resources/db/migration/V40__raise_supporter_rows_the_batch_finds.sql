-- Issue 31: fewer WAL records per gift. An upsert that finds its row locks it first and then updates it: two WAL
-- records, and one that inserts writes two as well (the speculative insertion and its confirmation). A supporter's
-- running total of a stream is now raised by a plain UPDATE when it exists, and written by a plain INSERT when it does
-- not: one record either way. No upsert is needed: a batch holds its senders' owner locks (exclusive) from before its
-- snapshot to its commit, and only a batch of that sender adds to that sender's rows (a reversal only lowers rows its
-- gifts wrote), so no other transaction can write the row between the UPDATE finding nothing and the INSERT.
-- The rest of the function is V20's, unchanged.
create or replace function gift_events_added() returns trigger language plpgsql as $$
declare
    supporter record;
begin
    -- one statement per supporter, each by the whole primary key: an index probe whatever the planner's statistics
    -- (the lanes keep generic plans; a join could become a read of the whole index once the table grew)
    for supporter in select a.stream_id, a.sender_id, a.anonymous, sum(a.coins) as coins, count(*) as gifts
             from added a group by 1, 2, 3 order by 1, 2, 3 loop
        update stream_supporter_total t set coins = t.coins + supporter.coins, gifts = t.gifts + supporter.gifts
        where t.stream_id = supporter.stream_id and t.sender_id = supporter.sender_id and t.anonymous = supporter.anonymous;
        if not found then
            insert into stream_supporter_total (stream_id, sender_id, anonymous, coins, gifts)
            values (supporter.stream_id, supporter.sender_id, supporter.anonymous, supporter.coins, supporter.gifts);
        end if;
    end loop;
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
