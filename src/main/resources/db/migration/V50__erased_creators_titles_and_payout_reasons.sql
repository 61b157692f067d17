-- An erasure now also takes an erased creator's stream titles (their own words, shown beside their pseudonym) and the
-- reasons written on their payouts' refusals and failures, and the provider's and payout rail's references in their
-- webhook payloads (issue 29; PersonalData.pseudonymise). Those erased before this release lose them here, as a new
-- erasure would. (Their payloads already name them by their pseudonymous id, erased-<8 hex digits>.)
update live_stream s set title = 'Stream' from app_user u where u.id = s.creator_id and u.erased_at is not null and s.title <> 'Stream';
update payout p set reason = null from app_user u where u.id = p.creator_id and u.erased_at is not null and p.reason is not null;
update payout_transition t set reason = null from payout p, app_user u
where p.id = t.payout_id and u.id = p.creator_id and u.erased_at is not null and t.reason is not null;
update webhook_delivery d set data = (
    select jsonb_object_agg(e.key, case when e.key in ('providerReference', 'externalReference') then 'null'::jsonb else e.value end)
    from jsonb_each(d.data) e)
where (d.data ? 'providerReference' or d.data ? 'externalReference')
  and (d.data->>'userId' ~ '^erased-[0-9a-f]{8}$' or d.data->>'creatorId' ~ '^erased-[0-9a-f]{8}$');
-- a person's export lists their goals, latest first
create index stream_goal_creator_idx on stream_goal (creator_id, created_at);
