-- Each admin audit record shows what its target was before the action and what it is after (issue 30): the state as
-- one readable JSON object per kind of target (audit_target_state), "before" read just before the action ran, "after"
-- read inside the action's own transaction as it writes its record (so exactly what it committed). A refused or failed
-- attempt changed nothing: it has a "before" only. Secrets never appear: a webhook subscription's state has no secret,
-- and its address only as the audit input keeps one (scheme, host, port and path: no user info, query or fragment,
-- where a receiver may keep a token), without the creator's free-text description; a person's state is their hold,
-- erasure and balances, not their profile. The log is append-only and outlives an erasure, so it holds nothing more.
alter table admin_audit add column before_state jsonb, add column after_state jsonb;

-- A UUID, or null for text that is not one (a target id typed by a refused caller may be anything).
create or replace function audit_uuid(id text) returns uuid language sql immutable as $$
    select case when id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then id::uuid end
$$;

create or replace function audit_target_state(target_type text, target_id text) returns jsonb language sql stable as $$
    select case target_type
        when 'user' then (
            select jsonb_build_object('holdReason', u.hold_reason, 'holdPlacedAt', u.hold_placed_at, 'erased', u.erased_at is not null,
                       'coins', (select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a on a.id = b.account_id
                                 where a.owner_id = u.id and a.purpose = 'WALLET'),
                       'coinDebt', (select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a on a.id = b.account_id
                                    where a.owner_id = u.id and a.purpose = 'COIN_DEBT'),
                       'diamondsAvailable', (select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a
                                             on a.id = b.account_id where a.owner_id = u.id and a.purpose = 'DIAMONDS_AVAILABLE'))
            from app_user u where u.id = target_id)
        when 'purchase' then (
            select jsonb_build_object('status', p.status, 'coins', p.coins, 'priceMinor', p.price_minor, 'currency', p.currency,
                       'reversed', exists (select 1 from purchase_reversal r where r.purchase_id = p.id))
            from purchase p where p.id = audit_uuid(target_id))
        when 'payout' then (
            select jsonb_build_object('status', p.status, 'diamonds', p.diamonds, 'amountMinor', p.amount_minor, 'currency', p.currency,
                       'externalReference', p.external_reference, 'reason', p.reason)
            from payout p where p.id = audit_uuid(target_id))
        when 'payoutAccount' then (
            select jsonb_build_object('kind', a.kind, 'verified', a.verified, 'verifiedAt', a.verified_at, 'verifiedBy', a.verified_by)
            from payout_account a where a.id = audit_uuid(target_id))
        when 'gift' then (
            select jsonb_build_object('name', g.name, 'coins', g.coins, 'tier', g.tier, 'regions', g.regions, 'activeFrom', g.active_from,
                       'activeUntil', g.active_until)
            from gift g where g.id = audit_uuid(target_id))
        when 'coinPackage' then (
            select jsonb_build_object('region', c.region, 'coins', c.coins, 'priceMinor', c.price_minor, 'currency', c.currency, 'active', c.active)
            from coin_package c where c.id = audit_uuid(target_id))
        when 'stream' then (
            select jsonb_build_object('status', s.status, 'startedAt', s.started_at, 'endedAt', s.ended_at)
            from live_stream s where s.id = audit_uuid(target_id))
        when 'webhookSubscription' then (
            select jsonb_build_object('status', w.status,
                       'url', regexp_replace(regexp_replace(w.url, '[?#].*$', ''), '^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@', '\1'),
                       'eventTypes', w.event_types, 'disabledReason', w.disabled_reason, 'previousSecretValidUntil', w.previous_secret_until)
            from webhook_subscription w where w.id = audit_uuid(target_id))
        when 'erasureRequest' then (
            select jsonb_build_object('status', x.status, 'eligibleAt', x.eligible_at, 'completedAt', x.completed_at,
                       'forfeitedCoins', x.forfeited_coins, 'forfeitedDiamonds', x.forfeited_diamonds, 'debtWrittenOff', x.debt_written_off)
            from erasure_request x where x.id = audit_uuid(target_id))
        when 'rateCard' then (
            select jsonb_build_object('version', r.version, 'creatorShare', r.creator_share_num || '/' || r.creator_share_den,
                       'effectiveFrom', r.effective_from)
            from rate_card r where r.version::text = target_id)
        end
$$;
