-- Payouts, diamond holds, refunds and chargebacks.

-- Which lane slot a gift credited (so maturing or reversing it debits exactly that slot row),
-- and what happened to its diamonds later. These are facts about the gift, not ledger rows.
alter table gift_event add column slot smallint not null default 0;
alter table gift_event add column matured_entry_id bigint;
alter table gift_event add column reversed_entry_id bigint;
create index gift_event_unmatured_idx on gift_event (creator_id, created_at)
    where matured_entry_id is null and reversed_entry_id is null and diamonds > 0;

-- Account holds (admin), checked by purchases, gifts and payouts.
alter table app_user add column hold_reason text;
alter table app_user add column hold_placed_at timestamptz;
alter table app_user add column hold_placed_by text;

alter table purchase drop constraint purchase_status_check;
alter table purchase add constraint purchase_status_check
    check (status in ('PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED', 'CHARGED_BACK'));

create table payout_account (
    id             uuid primary key,
    owner_id       text not null references app_user (id),
    kind           text not null check (kind in ('PAYPAL', 'BANK')),
    external_token text not null check (length(external_token) between 8 and 128),
    label          text not null check (length(label) between 1 and 64),
    verified       boolean not null default false,
    verified_at    timestamptz,
    verified_by    text,
    created_at     timestamptz not null
);
create index payout_account_owner_idx on payout_account (owner_id);

create table payout (
    id                 uuid primary key,
    seq                bigserial not null unique,
    creator_id         text not null references app_user (id),
    payout_account_id  uuid not null references payout_account (id),
    diamonds           bigint not null check (diamonds > 0),
    amount_minor       bigint not null check (amount_minor >= 0),
    currency           text not null,
    rate_version       integer not null,
    status             text not null check (status in ('REQUESTED', 'APPROVED', 'PAID', 'REJECTED', 'FAILED')),
    payout_day         date not null,          -- UTC calendar day, for the daily maximum
    requested_at       timestamptz not null,
    expected_by        timestamptz not null,
    external_reference text,
    reason             text,
    entry_id           bigint not null,
    closing_entry_id   bigint
);
create index payout_creator_idx on payout (creator_id, seq);
create index payout_status_idx on payout (status, seq);
create index payout_day_idx on payout (creator_id, payout_day);

-- Every transition, who made it and when.
create table payout_transition (
    payout_id   uuid not null references payout (id),
    from_status text,
    to_status   text not null,
    actor       text not null,
    reason      text,
    at          timestamptz not null
);
create index payout_transition_idx on payout_transition (payout_id, at);

create table purchase_reversal (
    id                uuid primary key,
    purchase_id       uuid not null unique references purchase (id),
    kind              text not null check (kind in ('REFUND', 'CHARGEBACK')),
    coins_clawed_back bigint not null,
    coin_debt         bigint not null,
    gifts_reversed    integer not null,
    diamonds_reversed bigint not null,
    actor             text not null,
    entry_id          bigint not null,
    created_at        timestamptz not null
);
