-- Issue 31: rollups cost less than the gift. A creator's earnings by stream were a rollup of their own
-- (creator_stream_total, V11: one row per creator and stream, written by the applier for every round that had a gift of
-- that stream: about one row per gift when gifts spread over many creators). Every gift batch already raises each of its
-- streams' counter row (stream_gift_seq: its gift count, coins and diamonds, V10 and V27, gross and exact at commit), so
-- the breakdown reads that row, less the stream's reversed gifts (gift_event, by the partial index below: a refund is
-- rare, and an index that only a reversal adds to costs the gift nothing). The counter row is logged: nothing to
-- rebuild after a crash, and the breakdown is exact at once instead of a round of the applier later.

create index gift_event_reversed_idx on gift_event (creator_id, stream_id) where reversed_entry_id is not null;

-- V31's rollup function without the stream breakdown (the rest unchanged)
create or replace function apply_gift_rollups(a_signs int[], a_creators text[], a_senders text[], a_anonymous boolean[], a_streams uuid[],
                                              a_gifts uuid[], a_quantities int[], a_coins bigint[], a_diamonds bigint[], a_at timestamptz[],
                                              a_slots smallint[])
returns void language plpgsql as $$
begin
    -- (1) a held period that the round's gifts replace
    with r as (select * from board_rows(a_signs, a_creators, a_senders, a_anonymous, a_coins, a_diamonds, a_at)),
    t as (select r.board, r.owner_id, r.who_id, r.anonymous, max(r.d_start) as d, max(r.w_start) as w, max(r.m_start) as m
          from r group by 1, 2, 3, 4)
    insert into board_past as p (board, owner_id, period, period_start, who_id, anonymous, coins, gifts, diamonds)
    select n.board, n.owner_id, x.period, x.held, n.who_id, n.anonymous, x.coins, x.gifts, x.diamonds
    from t join board_now n on n.board = t.board and n.owner_id = t.owner_id and n.who_id = t.who_id and n.anonymous = t.anonymous
    cross join lateral (values ('D'::char(1), n.d_start, t.d, n.d_coins, n.d_gifts, n.d_diamonds),
                               ('W'::char(1), n.w_start, t.w, n.w_coins, n.w_gifts, n.w_diamonds),
                               ('M'::char(1), n.m_start, t.m, n.m_coins, n.m_gifts, n.m_diamonds)) as x(period, held, target, coins, gifts, diamonds)
    where x.held < x.target and (x.coins <> 0 or x.gifts <> 0 or x.diamonds <> 0)
    order by 1, 2, 3, 4, 5, 6
    on conflict (board, owner_id, period, period_start, who_id, anonymous) do update
        set coins = p.coins + excluded.coins, gifts = p.gifts + excluded.gifts, diamonds = p.diamonds + excluded.diamonds;

    -- (2) gifts older than the period their row holds after this round
    with r as (select * from board_rows(a_signs, a_creators, a_senders, a_anonymous, a_coins, a_diamonds, a_at)),
    t as (select r.board, r.owner_id, r.who_id, r.anonymous, greatest(max(r.d_start), n.d_start) as d,
                 greatest(max(r.w_start), n.w_start) as w, greatest(max(r.m_start), n.m_start) as m
          from r left join board_now n on n.board = r.board and n.owner_id = r.owner_id and n.who_id = r.who_id and n.anonymous = r.anonymous
          group by r.board, r.owner_id, r.who_id, r.anonymous, n.d_start, n.w_start, n.m_start),
    older as (
        select r.board, r.owner_id, 'D'::char(1) as period, r.d_start as period_start, r.who_id, r.anonymous, r.sign, r.coins, r.diamonds
        from r join t using (board, owner_id, who_id, anonymous) where r.d_start < t.d
        union all
        select r.board, r.owner_id, 'W'::char(1), r.w_start, r.who_id, r.anonymous, r.sign, r.coins, r.diamonds
        from r join t using (board, owner_id, who_id, anonymous) where r.w_start < t.w
        union all
        select r.board, r.owner_id, 'M'::char(1), r.m_start, r.who_id, r.anonymous, r.sign, r.coins, r.diamonds
        from r join t using (board, owner_id, who_id, anonymous) where r.m_start < t.m)
    insert into board_past as p (board, owner_id, period, period_start, who_id, anonymous, coins, gifts, diamonds)
    select board, owner_id, period, period_start, who_id, anonymous, sum(coins), sum(sign), sum(diamonds)
    from older group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
    on conflict (board, owner_id, period, period_start, who_id, anonymous) do update
        set coins = p.coins + excluded.coins, gifts = p.gifts + excluded.gifts, diamonds = p.diamonds + excluded.diamonds;

    -- (3) the round's newest period per row, and all time
    with r as (select * from board_rows(a_signs, a_creators, a_senders, a_anonymous, a_coins, a_diamonds, a_at)),
    t as (select r.board, r.owner_id, r.who_id, r.anonymous, max(r.d_start) as d, max(r.w_start) as w, max(r.m_start) as m
          from r group by 1, 2, 3, 4)
    insert into board_now as n (board, owner_id, who_id, anonymous, d_start, d_coins, d_gifts, d_diamonds, w_start, w_coins, w_gifts,
                                w_diamonds, m_start, m_coins, m_gifts, m_diamonds, a_coins, a_gifts, a_diamonds)
    select r.board, r.owner_id, r.who_id, r.anonymous,
           t.d, coalesce(sum(r.coins) filter (where r.d_start = t.d), 0), coalesce(sum(r.sign) filter (where r.d_start = t.d), 0),
           coalesce(sum(r.diamonds) filter (where r.d_start = t.d), 0),
           t.w, coalesce(sum(r.coins) filter (where r.w_start = t.w), 0), coalesce(sum(r.sign) filter (where r.w_start = t.w), 0),
           coalesce(sum(r.diamonds) filter (where r.w_start = t.w), 0),
           t.m, coalesce(sum(r.coins) filter (where r.m_start = t.m), 0), coalesce(sum(r.sign) filter (where r.m_start = t.m), 0),
           coalesce(sum(r.diamonds) filter (where r.m_start = t.m), 0),
           sum(r.coins), sum(r.sign), sum(r.diamonds)
    from r join t using (board, owner_id, who_id, anonymous)
    group by r.board, r.owner_id, r.who_id, r.anonymous, t.d, t.w, t.m
    order by 1, 2, 3, 4
    on conflict (board, owner_id, who_id, anonymous) do update set
        d_coins = case when excluded.d_start > n.d_start then excluded.d_coins when excluded.d_start = n.d_start then n.d_coins + excluded.d_coins else n.d_coins end,
        d_gifts = case when excluded.d_start > n.d_start then excluded.d_gifts when excluded.d_start = n.d_start then n.d_gifts + excluded.d_gifts else n.d_gifts end,
        d_diamonds = case when excluded.d_start > n.d_start then excluded.d_diamonds
                          when excluded.d_start = n.d_start then n.d_diamonds + excluded.d_diamonds else n.d_diamonds end,
        d_start = greatest(n.d_start, excluded.d_start),
        w_coins = case when excluded.w_start > n.w_start then excluded.w_coins when excluded.w_start = n.w_start then n.w_coins + excluded.w_coins else n.w_coins end,
        w_gifts = case when excluded.w_start > n.w_start then excluded.w_gifts when excluded.w_start = n.w_start then n.w_gifts + excluded.w_gifts else n.w_gifts end,
        w_diamonds = case when excluded.w_start > n.w_start then excluded.w_diamonds
                          when excluded.w_start = n.w_start then n.w_diamonds + excluded.w_diamonds else n.w_diamonds end,
        w_start = greatest(n.w_start, excluded.w_start),
        m_coins = case when excluded.m_start > n.m_start then excluded.m_coins when excluded.m_start = n.m_start then n.m_coins + excluded.m_coins else n.m_coins end,
        m_gifts = case when excluded.m_start > n.m_start then excluded.m_gifts when excluded.m_start = n.m_start then n.m_gifts + excluded.m_gifts else n.m_gifts end,
        m_diamonds = case when excluded.m_start > n.m_start then excluded.m_diamonds
                          when excluded.m_start = n.m_start then n.m_diamonds + excluded.m_diamonds else n.m_diamonds end,
        m_start = greatest(n.m_start, excluded.m_start),
        a_coins = n.a_coins + excluded.a_coins, a_gifts = n.a_gifts + excluded.a_gifts, a_diamonds = n.a_diamonds + excluded.a_diamonds;

    -- the earnings breakdowns by gift and by hour (by stream: from the stream's counter row, V58)
    with g as (
        select * from unnest(a_signs, a_creators, a_streams, a_gifts, a_quantities, a_coins, a_diamonds, a_at)
            as g(sign, creator_id, stream_id, gift_id, quantity, coins, diamonds, at)
    ),
    cg as (
        insert into creator_gift_total as t (creator_id, gift_id, slot, gifts, quantity, coins, diamonds)
        select creator_id, gift_id, 0, sum(sign), sum(sign * quantity), sum(sign * coins), sum(sign * diamonds)
        from g group by 1, 2 order by 1, 2
        on conflict (creator_id, gift_id, slot) do update set gifts = t.gifts + excluded.gifts,
            quantity = t.quantity + excluded.quantity, coins = t.coins + excluded.coins, diamonds = t.diamonds + excluded.diamonds
    )
    insert into creator_hour_total as t (creator_id, hour, slot, gifts, coins, diamonds)
    select creator_id, date_trunc('hour', at), 0, sum(sign), sum(sign * coins), sum(sign * diamonds)
    from g group by 1, 2 order by 1, 2
    on conflict (creator_id, hour, slot) do update
        set gifts = t.gifts + excluded.gifts, coins = t.coins + excluded.coins, diamonds = t.diamonds + excluded.diamonds;
end $$;

-- V44's rebuild, without the stream breakdown
create or replace function rebuild_rollups() returns void language plpgsql as $$
declare
    part record;
begin
    lock table rollup_queue in exclusive mode;
    delete from rollup_queue;
    delete from board_now;
    delete from board_past;
    delete from creator_gift_total;
    delete from creator_hour_total;
    delete from stream_supporter_total;
    insert into stream_supporter_total (stream_id, sender_id, anonymous, coins, gifts)
    select stream_id, sender_id, anonymous, sum(coins), count(*) from gift_event where reversed_entry_id is null group by 1, 2, 3;
    for part in
        select array_agg(1) as signs, array_agg(g.creator_id) as creators, array_agg(g.sender_id) as senders,
               array_agg(g.anonymous) as anonymous, array_agg(g.stream_id) as streams, array_agg(g.gift_id) as gifts,
               array_agg(g.quantity) as quantities, array_agg(g.coins) as coins, array_agg(g.diamonds) as diamonds,
               array_agg(g.created_at) as at, array_agg(g.slot) as slots
        from gift_event g where g.reversed_entry_id is null
        group by hashtext(g.id::text) & 63
    loop
        perform apply_gift_rollups(part.signs, part.creators, part.senders, part.anonymous, part.streams, part.gifts,
                                   part.quantities, part.coins, part.diamonds, part.at, part.slots);
    end loop;
    delete from rollup_state;
    insert into rollup_state (built_at) values (clock_timestamp());
end $$;

drop table creator_stream_total;
