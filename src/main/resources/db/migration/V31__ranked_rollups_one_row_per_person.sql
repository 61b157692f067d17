-- The three ranked rollups (a creator's supporters, the platform's gifters, the platform's creators) were one row per
-- person and period: a gift from a pair not yet seen in a round wrote four rows on each board (its day, week, month and
-- all time), ten rows per gift in all, more than the gift itself writes. They become one row per person and board,
-- holding the current day, week and month (each with its start) and all time side by side: one row per gift and board.
--
-- board_now: one row per (board, owner, who, anonymous):
--   board 'S', a creator's supporters: owner the creator, who the sender;
--   board 'G', the platform's gifters: owner '', who the sender;
--   board 'C', the platform's creators: owner '', who the creator.
--   Anonymous gifts are kept as one row per board and owner (who '', anonymous): the boards show them as one
--   "Anonymous" entry (SupporterBoard), so no rollup holds who sent them. (User ids are never blank: Caller.)
-- board_past: a period that a newer one replaced on its board_now row (the first gift of a person on a new day moves
--   that person's previous day there), and any gift older than the period its row holds (a rebuild, a reversal).
-- Every (board, owner, who, period, start) is in exactly one of the two, so a board is the union of both (the views
-- below keep the old tables' names and columns: every reader and ledgerAudit's ROLLUP check read them unchanged).
-- Both are unlogged, as V25 made the old ones: rebuilt from gift_event after a crash. This migration empties
-- rollup_state, so the applier's next round rebuilds them from gift_event (V25's path; leaderboards read as empty
-- until then, never as wrong).

drop table creator_supporter_total, gifter_total, creator_total;

create unlogged table board_now (
    board       char(1) not null check (board in ('S', 'G', 'C')),
    owner_id    text not null,
    who_id      text not null,
    anonymous   boolean not null,
    d_start     date not null,
    d_coins     bigint not null,
    d_gifts     bigint not null,
    d_diamonds  bigint not null,
    w_start     date not null,
    w_coins     bigint not null,
    w_gifts     bigint not null,
    w_diamonds  bigint not null,
    m_start     date not null,
    m_coins     bigint not null,
    m_gifts     bigint not null,
    m_diamonds  bigint not null,
    a_coins     bigint not null,
    a_gifts     bigint not null,
    a_diamonds  bigint not null,
    primary key (board, owner_id, who_id, anonymous)
);
-- a page of a current period's board is one ordered index range (as the old tables' ranking indexes gave)
create index board_now_day_idx on board_now (board, owner_id, d_start, d_coins desc, who_id);
create index board_now_week_idx on board_now (board, owner_id, w_start, w_coins desc, who_id);
create index board_now_month_idx on board_now (board, owner_id, m_start, m_coins desc, who_id);
create index board_now_all_idx on board_now (board, owner_id, a_coins desc, who_id);

create unlogged table board_past (
    board        char(1) not null check (board in ('S', 'G', 'C')),
    owner_id     text not null,
    period       char(1) not null check (period in ('D', 'W', 'M')),
    period_start date not null,
    who_id       text not null,
    anonymous    boolean not null,
    coins        bigint not null,
    gifts        bigint not null,
    diamonds     bigint not null,
    primary key (board, owner_id, period, period_start, who_id, anonymous)
);

create view creator_supporter_total as
    select owner_id as creator_id, 'D'::char(1) as period, d_start as period_start, who_id as sender_id, anonymous,
           d_coins as coins, d_gifts as gifts, d_diamonds as diamonds from board_now where board = 'S'
    union all
    select owner_id, 'W'::char(1), w_start, who_id, anonymous, w_coins, w_gifts, w_diamonds from board_now where board = 'S'
    union all
    select owner_id, 'M'::char(1), m_start, who_id, anonymous, m_coins, m_gifts, m_diamonds from board_now where board = 'S'
    union all
    select owner_id, 'A'::char(1), date '1970-01-01', who_id, anonymous, a_coins, a_gifts, a_diamonds from board_now where board = 'S'
    union all
    select owner_id, period, period_start, who_id, anonymous, coins, gifts, diamonds from board_past where board = 'S';

create view gifter_total as
    select 'D'::char(1) as period, d_start as period_start, who_id as sender_id, anonymous, d_coins as coins, d_gifts as gifts
    from board_now where board = 'G' and owner_id = ''
    union all
    select 'W'::char(1), w_start, who_id, anonymous, w_coins, w_gifts from board_now where board = 'G' and owner_id = ''
    union all
    select 'M'::char(1), m_start, who_id, anonymous, m_coins, m_gifts from board_now where board = 'G' and owner_id = ''
    union all
    select 'A'::char(1), date '1970-01-01', who_id, anonymous, a_coins, a_gifts from board_now where board = 'G' and owner_id = ''
    union all
    select period, period_start, who_id, anonymous, coins, gifts from board_past where board = 'G' and owner_id = '';

create view creator_total as
    select 'D'::char(1) as period, d_start as period_start, who_id as creator_id, 0::smallint as slot, d_coins as coins,
           d_gifts as gifts, d_diamonds as diamonds from board_now where board = 'C' and owner_id = ''
    union all
    select 'W'::char(1), w_start, who_id, 0::smallint, w_coins, w_gifts, w_diamonds from board_now where board = 'C' and owner_id = ''
    union all
    select 'M'::char(1), m_start, who_id, 0::smallint, m_coins, m_gifts, m_diamonds from board_now where board = 'C' and owner_id = ''
    union all
    select 'A'::char(1), date '1970-01-01', who_id, 0::smallint, a_coins, a_gifts, a_diamonds from board_now where board = 'C' and owner_id = ''
    union all
    select period, period_start, who_id, 0::smallint, coins, gifts, diamonds from board_past where board = 'C' and owner_id = '';

-- One row per gift and board: the key it counts under, the starts of its UTC day, ISO week and month, and its amounts
-- (sign 1 adds, -1 takes back).
create function board_rows(a_signs int[], a_creators text[], a_senders text[], a_anonymous boolean[], a_coins bigint[],
                           a_diamonds bigint[], a_at timestamptz[])
returns table (board char(1), owner_id text, who_id text, anonymous boolean, d_start date, w_start date, m_start date,
               sign int, coins bigint, diamonds bigint)
language sql immutable as $$
    select k.board, k.owner_id, k.who_id, k.anonymous, (g.at at time zone 'UTC')::date, date_trunc('week', g.at at time zone 'UTC')::date,
           date_trunc('month', g.at at time zone 'UTC')::date, g.sign, g.sign * g.coins, g.sign * g.diamonds
    from unnest(a_signs, a_creators, a_senders, a_anonymous, a_coins, a_diamonds, a_at)
        as g(sign, creator_id, sender_id, anonymous, coins, diamonds, at)
    cross join lateral (values
        ('S'::char(1), g.creator_id, case when g.anonymous then '' else g.sender_id end, g.anonymous),
        ('G'::char(1), '', case when g.anonymous then '' else g.sender_id end, g.anonymous),
        ('C'::char(1), '', g.creator_id, false)) as k(board, owner_id, who_id, anonymous)
$$;

-- Adds (sign 1) or takes back (sign -1) a set of gifts in every rollup (V14's signature). The one place the rollup
-- rules live. For each board row and period, the round's newest start is the target: the row's held period moves to
-- board_past when the target is newer (1), gifts older than the target go to board_past (2), and the rest is added to
-- board_now, or replaces what it held for an older period (3). Only this function writes the two tables, one round at
-- a time (the applier's advisory lock, or the rebuild's lock on the queue), so the three statements see one state.
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

    -- the earnings breakdowns, as V14 kept them
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
    ),
    cst as (
        insert into creator_stream_total as t (creator_id, stream_id, slot, gifts, quantity, coins, diamonds)
        select creator_id, stream_id, 0, sum(sign), sum(sign * quantity), sum(sign * coins), sum(sign * diamonds)
        from g group by 1, 2 order by 1, 2
        on conflict (creator_id, stream_id, slot) do update set gifts = t.gifts + excluded.gifts,
            quantity = t.quantity + excluded.quantity, coins = t.coins + excluded.coins, diamonds = t.diamonds + excluded.diamonds
    )
    insert into creator_hour_total as t (creator_id, hour, slot, gifts, coins, diamonds)
    select creator_id, date_trunc('hour', at), 0, sum(sign), sum(sign * coins), sum(sign * diamonds)
    from g group by 1, 2 order by 1, 2
    on conflict (creator_id, hour, slot) do update
        set gifts = t.gifts + excluded.gifts, coins = t.coins + excluded.coins, diamonds = t.diamonds + excluded.diamonds;
end $$;

-- V25's rebuild, over the new tables.
create or replace function rebuild_rollups() returns void language plpgsql as $$
declare
    part record;
begin
    lock table rollup_queue in exclusive mode;
    delete from rollup_queue;
    delete from board_now;
    delete from board_past;
    delete from creator_gift_total;
    delete from creator_stream_total;
    delete from creator_hour_total;
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

-- rebuilt by the applier's next round, from gift_event
delete from rollup_state;
