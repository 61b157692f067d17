-- Each instance reads the erasures of the last minutes every 2 s (ErasedAccounts.recent), so a person whose erasure
-- notification an instance missed is refused there within seconds, not at the next full read. Only erased rows are in
-- it: no write of the gift path touches it.
create index app_user_erased_at_idx on app_user (erased_at) include (id, display_name) where erased_at is not null;
