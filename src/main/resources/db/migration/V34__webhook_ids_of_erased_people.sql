-- Every id of an erased person in a webhook payload is their pseudonymous id, also in an event that happens after the
-- erasure (a chargeback of their purchase, say): the erasure rewrites the payloads that exist when it commits
-- (PersonalData.WEBHOOK_PAYLOADS), and WebhookOutbox.emit writes every later one through this function.
-- The pseudonymous id is "erased-" and the pseudonym's last word (ErasedAccounts.pseudonymousId); the pseudonym is the
-- erased person's display name.
create or replace function webhook_data_without_erased_ids(data jsonb) returns jsonb
language sql stable as $$
    select case when not exists (
                select 1 from app_user u
                where u.erased_at is not null
                  and u.id in (data->>'userId', data->>'senderId', data->>'creatorId', data->>'inviterId', data->>'inviteeId'))
           then data
           else (select jsonb_object_agg(e.key, case
                        when e.key in ('userId', 'senderId', 'creatorId', 'inviterId', 'inviteeId') and u.id is not null
                        then to_jsonb('erased-' || substring(u.display_name from '[^ ]*$'))
                        -- a reason an admin wrote about the person (a hold placed after the erasure) goes, as the erasure's
                        -- own rewrite takes it out of the payloads that existed
                        when e.key = 'reason' then 'null'::jsonb
                        else e.value end)
                 from jsonb_each(data) e
                 left join app_user u on e.key in ('userId', 'senderId', 'creatorId', 'inviterId', 'inviteeId')
                                     and jsonb_typeof(e.value) = 'string' and u.id = e.value #>> '{}' and u.erased_at is not null)
           end
$$;
