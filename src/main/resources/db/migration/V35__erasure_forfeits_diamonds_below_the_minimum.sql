-- A creator holding fewer diamonds than the cash-out minimum could never be erased: held diamonds blocked erasure, and
-- a payout of so few is refused. Now those diamonds (available ones: maturing ones still block, as they can be
-- reversed until they mature) are forfeited to the platform's FORFEITED_DIAMONDS account in the ERASURE_FORFEIT entry,
-- recorded here and checked by ledgerAudit (ERASURE_FORFEIT, ERASURE_BALANCE, CREATOR_BALANCE).
alter table erasure_request add column forfeited_diamonds bigint not null default 0 check (forfeited_diamonds >= 0);
