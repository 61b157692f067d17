-- An admin's verification of a payout account races its owner's erasure no more (issue 29): it is a write of the person's
-- row like V26's, under the same check. Verifying reads the account, then writes it whole; an erasure that scrubbed the
-- account in between made that write put the payout token and label back. Now the write waits for the erasure's commit
-- and is refused (CS001, INVALID_STATE), or it commits first and the erasure, which waits for it, scrubs after it. The
-- erasure's own scrub sets the token and label only, so this trigger never stops it.
create trigger payout_account_verified_person_not_erased before update of verified, verified_at, verified_by on payout_account
    for each row execute function person_not_erased('owner_id');
