-- The rollups behind leaderboards, topGifters and the earnings breakdowns (V11, V14) are derived data: every figure in
-- them is a sum over gift_event, and ledgerAudit checks them against it. They were about half of all the WAL the
-- service wrote per gift (the applier's upserts of four periods per creator and sender, each with its indexes). They
-- become UNLOGGED, with the applier's queue: their changes write no WAL at all.
--
-- What that costs, and how it is made good: after a crash of PostgreSQL itself (not of the service; a clean shutdown
-- and restart keeps them) PostgreSQL empties every unlogged table. rollup_state, unlogged too, holds one row while the
-- rollups are whole; the applier (any instance, every 200 ms, under its advisory lock) finds it empty and rebuilds every
-- rollup from gift_event before it applies anything else. Until then leaderboards and breakdowns read as empty, never as
-- wrong. (Unlogged tables are not replicated to standbys: the service reads its primary only.)
--
-- What stays logged: gift_event, the ledger, and stream_supporter_total, which the gift batch reads for the session
-- reminder's rule.

alter table rollup_queue set unlogged;
alter table creator_supporter_total set unlogged;
alter table gifter_total set unlogged;
alter table creator_total set unlogged;
alter table creator_gift_total set unlogged;
alter table creator_stream_total set unlogged;
alter table creator_hour_total set unlogged;

create unlogged table rollup_state (
    built_at timestamptz not null
);
insert into rollup_state (built_at) values (now());

-- Every rollup again from gift_event: the gifts no reversal took back, folded by the same function the queue's rounds
-- use (its upserts add up, so the gifts go in 64 parts of bounded size). The queue is locked first, EXCLUSIVE: every
-- batch that queued gifts has committed by then, and none can queue more (nor a reversal) until this commits, so each
-- gift counts once, either here or from the queue.
create function rebuild_rollups() returns void language plpgsql as $$
declare
    part record;
begin
    lock table rollup_queue in exclusive mode;
    delete from rollup_queue;
    delete from creator_supporter_total;
    delete from gifter_total;
    delete from creator_total;
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

-- V14's applier, which now first makes the rollups whole when a crash emptied them.
create or replace function apply_rollup_queue(max_rows int) returns int language plpgsql as $$
declare
    ids bigint[];
begin
    if not pg_try_advisory_xact_lock(3, 0) then
        return 0;
    end if;
    if not exists (select 1 from rollup_state) then
        perform rebuild_rollups();
        return 0;
    end if;
    select array_agg(id order by id) into ids from (select id from rollup_queue order by id limit max_rows) q;
    if ids is null then
        return 0;
    end if;
    perform apply_gift_rollups(array_agg(q.sign::int), array_agg(g.creator_id), array_agg(g.sender_id), array_agg(g.anonymous),
        array_agg(g.stream_id), array_agg(g.gift_id), array_agg(g.quantity), array_agg(g.coins), array_agg(g.diamonds),
        array_agg(g.created_at), array_agg(g.slot))
    from rollup_queue q cross join lateral unnest(q.event_ids) as x(id) join gift_event g on g.id = x.id
    where q.id = any (ids) having count(*) > 0;
    delete from rollup_queue where id = any (ids);
    return array_length(ids, 1);
end $$;
