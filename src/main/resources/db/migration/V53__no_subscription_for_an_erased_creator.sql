-- An admin's subscription to a creator's events is theirs as well (its events are the creator's): none is made for an
-- erased creator, and one made while the erasure runs waits for it and is refused (CS001, INVALID_STATE), as V26 does
-- for the rows of their own. (V26 checked the owner, the admin, alone: an insert uncommitted while the erasure scrubbed
-- the creator's subscriptions committed after it, leaving an active subscription to an erased creator's events.)
create trigger webhook_subscription_creator_not_erased before insert on webhook_subscription
    for each row when (new.creator_id is not null) execute function person_not_erased('creator_id');
