-- When each erasure was written, by the database's clock (the application's clock may differ, and erased_at is the
-- application's): each instance reads the erasures written in the last minutes every 2 s (ErasedAccounts.recent), so a
-- person whose erasure notification an instance missed is refused there within seconds, not at the next full read.
-- Set by a trigger as the erasure sets erased_at, so no code path can forget it. Rows erased before this migration keep
-- it null: the full read at start finds them. The index holds erased rows only (none at first), so building it reads
-- app_user once under a share lock; no write of the gift path touches it.
alter table app_user add column erasure_written_at timestamptz;

create function app_user_erasure_written_at() returns trigger language plpgsql as $$
begin
    -- (a statement that sets it itself keeps its value: only tests do, to stand for an erasure of long ago)
    new.erasure_written_at := coalesce(new.erasure_written_at, clock_timestamp());
    return new;
end $$;

create trigger app_user_erasure_written_at before update on app_user
    for each row when (old.erased_at is null and new.erased_at is not null) execute function app_user_erasure_written_at();

create index app_user_erasure_written_idx on app_user (erasure_written_at) include (id, display_name)
    where erasure_written_at is not null;
