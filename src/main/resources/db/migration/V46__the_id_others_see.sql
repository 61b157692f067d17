-- One home in SQL for the id other people see of a person (issue 29): their user id, or, once they are erased, the
-- pseudonymous id their profile shows ("erased-" and the pseudonym's last word, as ErasedAccounts.pseudonymousId makes
-- it in Java). Anything that is not a user id (a payout transition's "system") is shown as it is. The webhook payloads'
-- rewrite (V34), a fan's export of the gifts they sent, the audit records in a person's export and a payout's
-- transitions call it.
create function shown_id(user_id text) returns text language sql stable as $$
    select coalesce((select 'erased-' || substring(u.display_name from '[^ ]*$') from app_user u
                     where u.id = user_id and u.erased_at is not null), user_id)
$$;

create or replace function webhook_data_without_erased_ids(data jsonb) returns jsonb
language sql stable as $$
    select case when not exists (
                select 1 from app_user u
                where u.erased_at is not null
                  and u.id in (data->>'userId', data->>'senderId', data->>'creatorId', data->>'inviterId', data->>'inviteeId'))
           then data
           else (select jsonb_object_agg(e.key, case
                        when e.key in ('userId', 'senderId', 'creatorId', 'inviterId', 'inviteeId') and jsonb_typeof(e.value) = 'string'
                        then to_jsonb(shown_id(e.value #>> '{}'))
                        -- a reason an admin wrote about the person (a hold placed after the erasure) goes, as the erasure's
                        -- own rewrite takes it out of the payloads that existed
                        when e.key = 'reason' then 'null'::jsonb
                        else e.value end)
                 from jsonb_each(data) e)
           end
$$;
