-- Live engagement, part three: LIVE Match battles between two live streams.
--
-- A match is invited by one live creator (the inviter) to another (the invitee), expires unanswered, is declined or
-- accepted; accepted, it runs from the database's clock for duration_seconds. Each side's score is the coins its stream
-- receives (or only of the chosen gifts, gift_ids) from gifts scored inside the window: the gift batch's trigger adds a
-- batch's gifts to the match row only while clock_timestamp() < ends_at at the moment it holds the match row's lock,
-- and only while the match is RUNNING. Closing a match (at ends_at, or a forfeit when a stream ends) updates the same row,
-- so it waits for every batch that scored to commit, and no batch scores after it: the final score is exactly the gifts
-- scored before ends_at, all committed. match_gift keeps which gifts scored, for the top supporters and the audit.

create table live_match (
    id               uuid primary key,
    seq              bigserial not null unique,
    inviter_stream   uuid not null references live_stream (id),
    invitee_stream   uuid not null references live_stream (id),
    inviter_id       text not null references app_user (id),
    invitee_id       text not null references app_user (id),
    duration_seconds int not null check (duration_seconds between 60 and 600),
    gift_ids         uuid[],
    status           text not null check (status in ('INVITED', 'DECLINED', 'EXPIRED', 'CANCELLED', 'RUNNING', 'FINISHED')),
    invited_at       timestamptz not null,
    expires_at       timestamptz not null,
    started_at       timestamptz,
    ends_at          timestamptz,
    finished_at      timestamptz,
    inviter_score    bigint not null default 0 check (inviter_score >= 0),
    invitee_score    bigint not null default 0 check (invitee_score >= 0),
    winner           text check (winner in ('INVITER', 'INVITEE', 'TIE')),
    forfeited_stream uuid,
    check (inviter_stream <> invitee_stream),
    check ((status = 'RUNNING') = (started_at is not null and finished_at is null))
);
create index live_match_inviter_running on live_match (inviter_stream) where status = 'RUNNING';
create index live_match_invitee_running on live_match (invitee_stream) where status = 'RUNNING';
create index live_match_inviter_idx on live_match (inviter_id, seq);
create index live_match_invitee_idx on live_match (invitee_id, seq);
create index live_match_open_idx on live_match (status, ends_at) where status in ('INVITED', 'RUNNING');

create table match_gift (
    match_id  uuid not null references live_match (id),
    event_id  uuid not null,
    side      char(1) not null check (side in ('R', 'E')),
    sender_id text not null,
    anonymous boolean not null,
    coins     bigint not null,
    scored_at timestamptz not null,
    primary key (match_id, event_id)
);

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

-- A stream that ends mid-match forfeits it; its open invitations are cancelled. (Same transaction as the end.)
create or replace function live_stream_goals_end() returns trigger language plpgsql as $$
begin
    update stream_goal
    set ended_at = new.ended_at, end_seq = coalesce((select last from stream_gift_seq where stream_id = new.id), 0)
    where stream_id = new.id and ended_at is null;
    update live_match
    set status = 'FINISHED', finished_at = clock_timestamp(), forfeited_stream = new.id,
        winner = case when inviter_stream = new.id then 'INVITEE' else 'INVITER' end
    where status = 'RUNNING' and (inviter_stream = new.id or invitee_stream = new.id);
    update live_match set status = 'CANCELLED', finished_at = clock_timestamp()
    where status = 'INVITED' and (inviter_stream = new.id or invitee_stream = new.id);
    return null;
end $$;
