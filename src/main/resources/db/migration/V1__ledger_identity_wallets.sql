-- Coinstream foundation: users, the double-entry ledger, idempotency, coin packages, purchases.
-- Money is integer units everywhere: coins, diamonds, and cash in ISO-4217 minor units.

create table app_user (
    id            text primary key,              -- the token subject
    display_name  text not null,
    region           text not null check (region ~ '^[A-Z]{2}$'),
    created_at    timestamptz not null
);

-- An account holds one asset for one owner (owner_id null = the platform).
create table ledger_account (
    id             bigserial primary key,
    owner_id       text references app_user (id),
    purpose        text not null,
    asset          text not null,
    allow_negative boolean not null,
    created_at     timestamptz not null,
    constraint ledger_account_identity unique nulls not distinct (owner_id, purpose, asset)
);

-- Stored balances. Hot accounts (a creator's earnings, platform revenue) are split over
-- several slot rows so concurrent writers do not queue on one row lock; balance = sum of slots.
create table account_balance (
    account_id     bigint not null references ledger_account (id),
    slot           smallint not null,
    balance        bigint not null,
    allow_negative boolean not null,
    primary key (account_id, slot),
    constraint balance_never_negative check (allow_negative or balance >= 0)
);

create table journal_entry (
    id           bigserial primary key,
    kind         text not null,          -- PURCHASE, GRANT, GIFT, ...
    cause_id     uuid,                   -- the purchase, gift, payout ... that caused it
    rate_version integer,                -- the rates applied, when rates apply
    memo         text,
    created_at   timestamptz not null
);
create index journal_entry_cause_idx on journal_entry (cause_id);

-- Postings carry no foreign keys on purpose: an FK check takes a KEY SHARE lock on the
-- referenced account row, which would serialise every gift on the platform's accounts.
-- The ledger store is the only writer and ledgerAudit reconciles everything.
create table posting (
    id         bigserial primary key,
    entry_id   bigint not null,
    account_id bigint not null,
    slot       smallint not null,
    amount     bigint not null check (amount <> 0)
);
create index posting_account_idx on posting (account_id, id);
create index posting_entry_idx on posting (entry_id);

-- Entries and postings are append-only: corrections are new entries.
create function ledger_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'ledger rows are append-only (% on %)', tg_op, tg_table_name
        using errcode = 'restrict_violation';
end $$;
create trigger journal_entry_append_only before update or delete on journal_entry
    for each row execute function ledger_is_append_only();
create trigger posting_append_only before update or delete on posting
    for each row execute function ledger_is_append_only();

-- One row per (caller, key). The unique key is what makes replays and races safe.
create table idempotency_key (
    owner_id     text not null,
    key          text not null,
    operation    text not null,
    request_hash text not null,
    result_id    uuid not null,
    created_at   timestamptz not null,
    primary key (owner_id, key)
);

-- Base price of a coin per region, for custom amounts: unit_price_minor buys unit_coins.
create table coin_base_price (
    region           text primary key check (region ~ '^[A-Z]{2}$'),
    currency         text not null check (currency ~ '^[A-Z]{3}$'),
    unit_coins       bigint not null check (unit_coins > 0),
    unit_price_minor bigint not null check (unit_price_minor > 0),
    effective_from   timestamptz not null
);

create table coin_package (
    id          uuid primary key,
    region           text not null check (region ~ '^[A-Z]{2}$'),
    coins       bigint not null check (coins > 0),
    price_minor bigint not null check (price_minor > 0),
    currency    text not null check (currency ~ '^[A-Z]{3}$'),
    active      boolean not null,
    created_at  timestamptz not null
);
create index coin_package_region_idx on coin_package (region) where active;

create table purchase (
    id                uuid primary key,
    user_id           text not null references app_user (id),
    package_id        uuid references coin_package (id),
    coins             bigint not null check (coins > 0),
    price_minor       bigint not null check (price_minor > 0),
    currency          text not null check (currency ~ '^[A-Z]{3}$'),
    status            text not null check (status in ('PENDING', 'SUCCEEDED', 'FAILED')),
    provider          text not null,
    provider_ref      text unique,
    failure_code      text,
    entry_id          bigint,
    created_at        timestamptz not null,
    updated_at        timestamptz not null
);
create index purchase_user_idx on purchase (user_id, created_at desc);

-- Payment provider events already processed: a replayed webhook changes nothing.
create table payment_event (
    provider       text not null,
    event_id       text not null,
    event_type     text not null,
    purchase_id    uuid,
    received_at    timestamptz not null,
    primary key (provider, event_id)
);

-- Published base coin prices (the platform's initial rates; admins change them through the API).
insert into coin_base_price (region, currency, unit_coins, unit_price_minor, effective_from) values
    ('US', 'USD', 70, 99, '2026-01-01T00:00:00Z'),
    ('GB', 'GBP', 70, 89, '2026-01-01T00:00:00Z'),
    ('DE', 'EUR', 70, 99, '2026-01-01T00:00:00Z');

