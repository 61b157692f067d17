-- Privacy on every surface (issue 29).
--
-- 1. Anonymous gifts are one "Anonymous" row on every board (SupporterBoard), whoever sent them: its sum reads only the
--    anonymous rows of a creator's or the platform's period, through these partial indexes (written only for anonymous
--    rows, by the rollup applier, off the gift path). A stream's and a match's rows are few; they need none.
create index creator_supporter_anonymous_idx on creator_supporter_total (creator_id, period, period_start)
    include (coins, gifts, diamonds) where anonymous;
create index gifter_anonymous_idx on gifter_total (period, period_start) include (coins, gifts) where anonymous;

-- 2. Money after erasure. At erasure the person's coins first repay what they owe (as a purchase would), the rest is
--    forfeited to FORFEITED_COINS and the debt left is written off to DEBT_WRITTEN_OFF, all in the ERASURE_FORFEIT entry.
--    A reversal that reaches an erased person later (a chargeback) takes its shortfall back from the coins that person
--    forfeited first (FORFEITED_COINS to issuance) and writes off the rest, instead of booking a debt nobody can repay.
alter table erasure_request add column debt_settled bigint not null default 0 check (debt_settled >= 0),
                            add column debt_written_off bigint not null default 0 check (debt_written_off >= 0);
--    A reversal that returns more coins to an erased person's wallet than it claws back (a gift funded partly by this
--    purchase, partly by coins from before it) forfeits the rest at once, in the same entry: nothing is left in a
--    wallet nobody can use.
alter table purchase_reversal add column forfeit_retired bigint not null default 0 check (forfeit_retired >= 0),
                              add column coins_written_off bigint not null default 0 check (coins_written_off >= 0),
                              add column coins_forfeited bigint not null default 0 check (coins_forfeited >= 0);

-- 3. Every instance reads the erased accounts (to refuse their tokens) at start, on each erasure and every 30 s.
create index app_user_erased_idx on app_user (id) include (display_name) where erased_at is not null;
