-- Whom an admin audit record concerns (issue 29): the person its target belongs to. A user is themselves; a purchase is
-- its buyer's; a payout, a payout account, a stream, the creator's; a webhook subscription, the creator whose events it
-- carries (a platform-wide one is nobody's); an erasure request, the person's. The catalogue, rates and reconciliation
-- runs concern nobody. One home for both readers: the audit log leaves an erased person's words out of every record
-- concerning them (a hold's reason, a webhook address), and a person's export lists the records that concern them
-- (what admins did about their payouts, account, purchases and streams, not only about their user id).
create or replace function audit_target_person(target_type text, target_id text) returns text language sql stable as $$
    select case target_type
        when 'user' then target_id
        when 'purchase' then (select p.user_id from purchase p where p.id = audit_uuid(target_id))
        when 'payout' then (select p.creator_id from payout p where p.id = audit_uuid(target_id))
        when 'payoutAccount' then (select a.owner_id from payout_account a where a.id = audit_uuid(target_id))
        when 'stream' then (select s.creator_id from live_stream s where s.id = audit_uuid(target_id))
        when 'webhookSubscription' then (select w.creator_id from webhook_subscription w where w.id = audit_uuid(target_id))
        when 'erasureRequest' then (select x.user_id from erasure_request x where x.id = audit_uuid(target_id))
    end
$$;

-- The target ids of the records that concern a person (audit_target_person's converse, by the index on target_id).
create or replace function audit_targets_of(person text) returns setof text language sql stable as $$
    select person
    union all select p.id::text from purchase p where p.user_id = person
    union all select p.id::text from payout p where p.creator_id = person
    union all select a.id::text from payout_account a where a.owner_id = person
    union all select s.id::text from live_stream s where s.creator_id = person
    union all select w.id::text from webhook_subscription w where w.creator_id = person
    union all select x.id::text from erasure_request x where x.user_id = person
$$;

-- A subscription an admin set up for a creator since erased carries none of their events again: it goes as theirs did
-- (retired, its address and description gone); and an erased creator's overlay keys, revoked until now, are removed,
-- labels and hints with them (as the README has said).
update webhook_subscription w set status = 'DELETED', url = 'https://erased.invalid/', description = null
from app_user u where u.id = w.creator_id and u.erased_at is not null and w.owner_id <> w.creator_id
  and (w.status <> 'DELETED' or w.url <> 'https://erased.invalid/' or w.description is not null);
delete from overlay_key k using app_user u where u.id = k.creator_id and u.erased_at is not null;
