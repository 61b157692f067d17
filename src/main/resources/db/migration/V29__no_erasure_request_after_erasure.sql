-- No erasure request opens for a person already erased. requestErasure checked "not erased" on a snapshot, outside the
-- owner lock: a request whose snapshot predated the erasure's commit passed the check, waited on the open request's
-- unique index for the erasure, and then inserted a REQUESTED row for an erased person that nobody could ever complete.
-- The request now runs under the owner lock, and this is the database's fence for every writer, as V26 is for the
-- person's other rows: it reads the person's row FOR SHARE, so a write waits for an erasure under way and is then refused
-- (SQLSTATE CS001, answered as INVALID_STATE).
create trigger erasure_request_person_not_erased before insert on erasure_request
    for each row execute function person_not_erased('user_id');
