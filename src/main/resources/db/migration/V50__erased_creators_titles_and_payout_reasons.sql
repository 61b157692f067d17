-- An erasure now also takes an erased creator's stream titles (their own words, shown beside their pseudonym) and the
-- reasons written on their payouts' refusals and failures (issue 29; PersonalData.pseudonymise). Those erased before
-- this release lose them here, as a new erasure would.
update live_stream s set title = 'Stream' from app_user u where u.id = s.creator_id and u.erased_at is not null and s.title <> 'Stream';
update payout p set reason = null from app_user u where u.id = p.creator_id and u.erased_at is not null and p.reason is not null;
update payout_transition t set reason = null from payout p, app_user u
where p.id = t.payout_id and u.id = p.creator_id and u.erased_at is not null and t.reason is not null;
