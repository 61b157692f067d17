-- The one rule for which spending limit is in force: a viewer's latest change already effective, or the platform
-- default when they never set one (a change to "no limit" is null coins). Read by the gift batch statement and by
-- SpendingLimits. A single-SELECT SQL function, so PostgreSQL inlines it into the query that calls it: the gift
-- batch keeps its index probe on spending_limit_idx.
create function spending_limit_in_force(p_user text, p_period text, p_at timestamptz, p_default bigint)
returns table (coins bigint, own boolean, effective_at timestamptz)
language sql stable as $$
    select case when o.present then o.coins else p_default end, coalesce(o.present, false), o.effective_at
    from (select 1) as one
    left join lateral (select true as present, l.coins, l.effective_at from spending_limit l
                       where l.user_id = p_user and l.period = p_period and l.effective_at <= p_at
                       order by l.effective_at desc, l.created_at desc limit 1) o on true
$$;
