-- Issue 19: the admin audit log and outbound signed webhooks.

-- Every admin mutation, done or refused: who, what, when, on what, why, and the input (secrets redacted).
-- A done action's record is written in the action's own transaction; a refused one in its own after the refusal.
create table admin_audit (
    seq          bigserial primary key,
    id           uuid not null unique,
    at           timestamptz not null,
    actor_id     text,                                -- null: no valid token
    actor_roles  text[] not null,
    action       text not null,
    target_type  text,
    target_id    text,
    reason       text,
    input        jsonb not null,
    outcome      text not null check (outcome in ('DONE', 'REFUSED', 'FAILED')),
    error_code   text
);
create index admin_audit_actor_idx on admin_audit (actor_id, seq);
create index admin_audit_target_idx on admin_audit (target_id, seq);
create index admin_audit_action_idx on admin_audit (action, seq);

create function admin_audit_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'admin_audit is append-only (% refused)', tg_op;
end $$;
create trigger admin_audit_append_only before update or delete on admin_audit
    for each row execute function admin_audit_is_append_only();
create trigger admin_audit_no_truncate before truncate on admin_audit
    for each statement execute function admin_audit_is_append_only();

-- A subscriber's endpoint. creator_id null: a platform-wide subscription (admins); otherwise only that creator's
-- events. The signing secret is shown once at creation or rotation; the previous one keeps signing beside the new
-- one until previous_secret_until, so receivers can switch without losing a message.
create table webhook_subscription (
    id                    uuid primary key,
    seq                   bigserial not null unique,
    owner_id              text not null references app_user (id),
    creator_id            text references app_user (id),
    url                   text not null,
    event_types           text[] not null,
    description           text,
    secret                text not null,
    previous_secret       text,
    previous_secret_until timestamptz,
    status                text not null check (status in ('ACTIVE', 'DISABLED', 'DELETED')),
    disabled_reason       text,
    disabled_at           timestamptz,
    consecutive_failures  integer not null default 0,
    created_at            timestamptz not null
);
create index webhook_subscription_owner_idx on webhook_subscription (owner_id, seq);

-- The transactional outbox: one row per (event, subscription), written in the transaction of the change it
-- reports, so it exists exactly when the change committed. Events of one stream carry the stream's gapless,
-- commit-ordered number (order_seq) and are delivered in that order per subscription.
create table webhook_delivery (
    id               bigserial primary key,
    subscription_id  uuid not null references webhook_subscription (id),
    event_id         uuid not null,
    event_type       text not null,
    order_key        uuid,
    order_seq        bigint,
    occurred_at      timestamptz not null,
    data             jsonb not null,
    status           text not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    lease_until      timestamptz,
    first_due_at     timestamptz not null default now(),
    last_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz
);
create index webhook_delivery_subscription_idx on webhook_delivery (subscription_id, id);
create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at) where status = 'PENDING';
create index webhook_delivery_order_idx on webhook_delivery (subscription_id, order_key, order_seq)
    where status = 'PENDING' and order_key is not null;

-- Engagement events into the outbox, in the transaction of the change: a goal reached (by a gift batch) and a match
-- ended (its clock, or a forfeit when a stream ends). Ordered with the stream's gifts: a gift's order_seq is twice
-- its stream number, these come right after the gift that was last when they happened (twice that, plus one).
create function webhook_goal_reached() returns trigger language plpgsql as $$
begin
    insert into webhook_delivery (subscription_id, event_id, event_type, order_key, order_seq, occurred_at, data)
    select s.id, e.id, 'goal.reached', new.stream_id,
           coalesce((select last from stream_gift_seq where stream_id = new.stream_id), 0) * 2 + 1, new.reached_at,
           jsonb_build_object('goalId', new.id, 'streamId', new.stream_id, 'creatorId', new.creator_id, 'title', new.title,
                              'kind', new.kind, 'giftId', new.gift_id, 'target', new.target, 'progress', new.progress,
                              'coins', new.coins, 'reachedAt', new.reached_at)
    from (select gen_random_uuid() as id) e
    join webhook_subscription s on s.status = 'ACTIVE' and 'goal.reached' = any (s.event_types)
                                and (s.creator_id is null or s.creator_id = new.creator_id);
    return null;
end $$;
create trigger stream_goal_reached_webhook after update of reached_at on stream_goal
    for each row when (old.reached_at is null and new.reached_at is not null) execute function webhook_goal_reached();

create function webhook_match_ended() returns trigger language plpgsql as $$
begin
    insert into webhook_delivery (subscription_id, event_id, event_type, order_key, order_seq, occurred_at, data)
    select s.id, e.id, 'match.ended', k.stream_id,
           coalesce((select last from stream_gift_seq where stream_id = k.stream_id), 0) * 2 + 1, new.finished_at,
           jsonb_build_object('matchId', new.id, 'inviterStreamId', new.inviter_stream, 'inviteeStreamId', new.invitee_stream,
                              'inviterId', new.inviter_id, 'inviteeId', new.invitee_id, 'inviterScore', new.inviter_score,
                              'inviteeScore', new.invitee_score, 'winner', new.winner, 'forfeitedStreamId', new.forfeited_stream,
                              'startedAt', new.started_at, 'finishedAt', new.finished_at)
    from (select gen_random_uuid() as id) e
    join webhook_subscription s on s.status = 'ACTIVE' and 'match.ended' = any (s.event_types)
                                and (s.creator_id is null or s.creator_id in (new.inviter_id, new.invitee_id))
    cross join lateral (select case when s.creator_id = new.invitee_id then new.invitee_stream else new.inviter_stream end
                        as stream_id) k;
    return null;
end $$;
create trigger live_match_ended_webhook after update of status on live_match
    for each row when (old.status = 'RUNNING' and new.status = 'FINISHED') execute function webhook_match_ended();

-- The gift batch finds a creator's (and the platform's) gift.sent subscriptions by index, however few there are.
create index webhook_subscription_gifts_idx on webhook_subscription (creator_id)
    where status = 'ACTIVE' and 'gift.sent' = any (event_types);
