-- Viewer protection: self-set spending limits with a cool-down on raising, and spend per local day.

-- Every change a viewer makes to a limit; the limit in force is the latest one already effective.
-- coins null = no limit. A raise or removal takes effect only after the cool-down.
create table spending_limit (
    user_id      text not null references app_user (id),
    period       text not null check (period in ('DAY', 'WEEK', 'MONTH')),
    coins        bigint check (coins >= 0),
    effective_at timestamptz not null,
    created_at   timestamptz not null
);
create index spending_limit_idx on spending_limit (user_id, period, effective_at desc, created_at desc);

-- Coins a viewer has gifted per calendar day in their own time zone; weeks and months are sums of days.
-- Written by the gift batch (one row per viewer and day, on the viewer's lane: no contention).
create table spend_day (
    user_id text not null,
    day     date not null,
    coins   bigint not null check (coins >= 0),
    primary key (user_id, day)
);

create index app_user_created_idx on app_user (created_at);
create index gift_event_recent_idx on gift_event (created_at);
