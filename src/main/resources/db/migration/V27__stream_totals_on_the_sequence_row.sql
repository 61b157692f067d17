-- Each stream's totals (gifts, coins, diamonds; gross: a refund takes nothing back from them) lived in two places that
-- every gift batch wrote: stream_total (V2, split over slot rows so concurrent lanes never queued on one row) and the
-- stream's sequence row (V10: its gift count, `last`, and its coins), which the batch locks anyway to number the
-- stream's gifts. Since V10 that lock already makes lanes take turns per stream, so the slots spared nothing, and the
-- second row cost a write and its index entries per stream and batch (about one row and two WAL records per gift
-- when gifts spread over many streams). The sequence row now keeps the diamonds too, and stream_total goes.
alter table stream_gift_seq add column diamonds bigint not null default 0 check (diamonds >= 0);

-- Both locked (the ALTER above already holds the sequence rows' table): a batch of the previous build that is still running commits before the totals are carried over, so
-- its gifts count once. (A previous build's instance still running after this fails its gift batches, which change
-- nothing; its clients retry with the same key. Upgrade by stopping the old instances before starting the new.)
lock table stream_gift_seq, stream_total in exclusive mode;

insert into stream_gift_seq (stream_id, last, coins, diamonds)
select t.stream_id, sum(t.gifts), sum(t.coins), sum(t.diamonds) from stream_total t group by t.stream_id
on conflict (stream_id) do update set diamonds = excluded.diamonds;

drop table stream_total;
