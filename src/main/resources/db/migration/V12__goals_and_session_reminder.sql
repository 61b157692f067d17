-- Live engagement, part two: the viewer's session reminder and stream goals.

-- After this many coins sent in one stream, each further gift to it needs confirmed: true (checked in the batch).
alter table app_user add column session_reminder_coins bigint check (session_reminder_coins > 0);

-- A creator's goal on a live stream: coins received, or a number of one gift. A goal counts the stream's gifts
-- numbered after start_seq (the stream's last gift number when the goal was set, read under the stream's counter
-- row lock, which every gift batch of the stream holds until it commits) up to end_seq (the same, when it ended):
-- exactly the gifts committed while it was active. Progress is kept by the gift_event insert trigger, in the
-- batch's transaction; reached_at is set there, at the commit that crossed the target. Refunds later on do not
-- undo a goal (it was a moment of the stream); ledgerAudit recomputes every goal from its gifts. coins: the coins of the
-- counted gifts (= progress for a COINS goal), for the goal's money value.
create table stream_goal (
    id         uuid primary key,
    stream_id  uuid not null references live_stream (id),
    creator_id text not null references app_user (id),
    title      text not null check (length(title) between 1 and 80),
    kind       text not null check (kind in ('COINS', 'GIFT')),
    gift_id    uuid references gift (id),
    target     bigint not null check (target > 0),
    progress   bigint not null default 0 check (progress >= 0),
    coins      bigint not null default 0 check (coins >= 0),
    start_seq  bigint not null,
    end_seq    bigint,
    created_at timestamptz not null,
    reached_at timestamptz,
    ended_at   timestamptz,
    check ((kind = 'GIFT') = (gift_id is not null)),
    check ((ended_at is null) = (end_seq is null))
);
create index stream_goal_active_idx on stream_goal (stream_id) where ended_at is null;
create index stream_goal_stream_idx on stream_goal (stream_id, created_at);

create or replace function gift_events_added() returns trigger language plpgsql as $$
begin
    perform apply_gift_rollups(1, array_agg(creator_id), array_agg(sender_id), array_agg(anonymous), array_agg(stream_id),
        array_agg(gift_id), array_agg(quantity), array_agg(coins), array_agg(diamonds), array_agg(created_at), array_agg(slot))
    from added having count(*) > 0;
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
    return null;
end $$;

-- Goals end with their stream, in the transaction that ends it (which holds the stream's lock exclusively: no gift batch
-- of the stream is in flight, so the counter is the stream's last gift).
create function live_stream_goals_end() returns trigger language plpgsql as $$
begin
    update stream_goal
    set ended_at = new.ended_at, end_seq = coalesce((select last from stream_gift_seq where stream_id = new.id), 0)
    where stream_id = new.id and ended_at is null;
    return null;
end $$;
create trigger live_stream_goals_end after update of status on live_stream
    for each row when (old.status = 'LIVE' and new.status = 'ENDED') execute function live_stream_goals_end();
