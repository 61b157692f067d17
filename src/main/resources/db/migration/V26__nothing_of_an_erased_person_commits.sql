-- Erasure is a fence in the database too (issue 29): no row of a person's own (a spending limit, an overlay key, a webhook
-- subscription, a payout account, a thank-you for a gift) is written once they are erased, whatever request was in
-- flight. The check reads the person's row FOR SHARE: an erasure that has already updated it makes the write wait for
-- the erasure's commit and then refuses it (SQLSTATE CS001, answered as INVALID_STATE); a write that got there first
-- makes the erasure wait for it, and the erasure, which updates the person's row before it scrubs their other rows,
-- then scrubs that one too.
create function person_not_erased() returns trigger language plpgsql as $$
declare
    person text := to_jsonb(new) ->> tg_argv[0];
    erased timestamptz;
begin
    -- lock the row whatever it says (a filter on erased_at would pass over an erasure not yet committed)
    select erased_at into erased from app_user where id = person for share;
    if erased is not null then
        raise exception 'the account % has been erased', person using errcode = 'CS001';
    end if;
    return new;
end $$;

create trigger spending_limit_person_not_erased before insert on spending_limit
    for each row execute function person_not_erased('user_id');
create trigger overlay_key_person_not_erased before insert on overlay_key
    for each row execute function person_not_erased('creator_id');
create trigger webhook_subscription_person_not_erased before insert on webhook_subscription
    for each row execute function person_not_erased('owner_id');
create trigger payout_account_person_not_erased before insert on payout_account
    for each row execute function person_not_erased('owner_id');
create trigger gift_event_thanks_person_not_erased before update of acknowledged_at on gift_event
    for each row when (old.acknowledged_at is null) execute function person_not_erased('creator_id');
