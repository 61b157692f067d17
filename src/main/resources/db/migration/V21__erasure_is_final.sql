-- Erasure is final. Once a person's row is erased, nothing writes their personal data (name, birthdate, region) or
-- their settings (hold, reminder, privacy) into it again, whatever was in flight when the erasure completed: a request
-- that read the row before the erasure and writes after it is refused here (SQLSTATE CS001, answered as INVALID_STATE),
-- and the sign-in upsert does not even try (its own guard). The erasure itself is the row's last update.
create function app_user_erasure_is_final() returns trigger language plpgsql as $$
begin
    raise exception 'the account % has been erased', old.id using errcode = 'CS001';
end $$;

create trigger app_user_erasure_is_final before update on app_user
    for each row when (old.erased_at is not null) execute function app_user_erasure_is_final();
