-- Issue 20: the payment provider's settlement reports, reconciled with the ledger; provider fees booked.

-- One import of one report file (a reconciliation run). The same file (same bytes) is imported once.
create table settlement_report (
    id            uuid primary key,
    seq           bigserial not null unique,
    file_sha256   text not null unique,
    file_name     text,
    imported_by   text not null,
    imported_at   timestamptz not null,
    line_count    integer not null,
    period_from   timestamptz not null,
    period_to     timestamptz not null
);

create table settlement_line (
    report_id      uuid not null references settlement_report (id),
    line_no        integer not null,
    transaction_id text not null,
    type           text not null check (type in ('charge', 'refund', 'dispute', 'fee')),
    amount_minor   bigint not null check (amount_minor >= 0),
    currency       text not null check (currency ~ '^[A-Z]{3}$'),
    fee_minor      bigint not null check (fee_minor >= 0),
    occurred_at    timestamptz not null,
    primary key (report_id, line_no)
);
create index settlement_line_transaction_idx on settlement_line (transaction_id);

-- Each provider fee is booked once (a fee can appear in two overlapping reports), as its own PROVIDER_FEE entry.
create table provider_fee (
    id             uuid primary key,
    transaction_id text not null,
    line_type      text not null,
    currency       text not null,
    fee_minor      bigint not null check (fee_minor > 0),
    report_id      uuid not null references settlement_report (id),
    entry_id       bigint not null,
    created_at     timestamptz not null,
    unique (transaction_id, line_type)
);

-- What a run found that does not agree.
create table reconciliation_difference (
    report_id      uuid not null references settlement_report (id),
    seq            integer not null,
    kind           text not null check (kind in ('MISSING_IN_LEDGER', 'MISSING_AT_PROVIDER', 'AMOUNT_MISMATCH', 'CURRENCY_MISMATCH',
                                                 'REFUND_NOT_REVERSED')),
    transaction_id text,
    purchase_id    uuid,
    line_no        integer,
    currency       text,                -- the provider's (the report line's)
    expected_minor bigint,              -- the provider's amount
    ledger_currency text,
    actual_minor   bigint,              -- the ledger's amount
    detail         text not null,
    primary key (report_id, seq)
);

-- Runs and their lines are records of what the provider said: never edited.
create function settlement_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only (% refused)', tg_table_name, tg_op;
end $$;
create trigger settlement_report_append_only before update or delete on settlement_report
    for each row execute function settlement_is_append_only();
create trigger settlement_line_append_only before update or delete on settlement_line
    for each row execute function settlement_is_append_only();
create trigger reconciliation_difference_append_only before update or delete on reconciliation_difference
    for each row execute function settlement_is_append_only();
