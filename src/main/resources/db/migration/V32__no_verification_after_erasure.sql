-- An admin's verification of a payout account races its owner's erasure no more (issue 29): it is a write of the person's
-- row like V26's, under the same check. Verifying reads the account, then writes it whole; an erasure that scrubbed the
-- account in between made that write put the payout token and label back. Now a verification after the erasure updated
-- the person's row is refused (CS001, INVALID_STATE); one that already holds the account's row when the erasure reaches
-- it meets the erasure in a deadlock, which PostgreSQL breaks by aborting one of them (a verification aborted answers
-- CONFLICT; an erasure aborted is retried at once); one that commits first is scrubbed after it. Never the old token written
-- back. The erasure's own scrub sets the token and label only, so this trigger never stops it.
create trigger payout_account_verified_person_not_erased before update of verified, verified_at, verified_by on payout_account
    for each row execute function person_not_erased('owner_id');
