-- Issue 20: a person's erasure. The books keep every amount; the person's data is removed or pseudonymised.
alter table app_user add column erased_at timestamptz;

create table erasure_request (
    id               uuid primary key,
    seq              bigserial not null unique,
    user_id          text not null references app_user (id),
    reason           text,
    requested_at     timestamptz not null,
    eligible_at      timestamptz not null,
    status           text not null check (status in ('REQUESTED', 'COMPLETED')),
    completed_at     timestamptz,
    completed_by     text,
    forfeited_coins  bigint check (forfeited_coins >= 0),
    forfeit_entry_id bigint,
    check ((status = 'COMPLETED') = (completed_at is not null))
);
create unique index erasure_request_open_idx on erasure_request (user_id) where status = 'REQUESTED';
create index erasure_request_status_idx on erasure_request (status, seq);
