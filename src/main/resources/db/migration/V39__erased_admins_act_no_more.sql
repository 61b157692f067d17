-- An admin erased while a token of theirs is still honoured somewhere (an instance not told yet, an upload started
-- before) acts no more: every admin action writes its audit record in its own transaction, and a done one by an erased
-- actor is refused here (CS001, answered INVALID_STATE), so the whole action rolls back. Refused attempts are still
-- recorded. (No admin completes their own erasure: completeErasure refuses it.)
create trigger admin_audit_actor_not_erased before insert on admin_audit
    for each row when (new.outcome = 'DONE' and new.actor_id is not null)
    execute function person_not_erased('actor_id');
