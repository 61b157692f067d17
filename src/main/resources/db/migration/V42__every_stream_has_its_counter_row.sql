-- Issue 31: a stream's counter row (its gift numbers and totals, stream_gift_seq) is written when the stream is, so the
-- gift batch only ever raises it with a plain UPDATE (one WAL record, where an upsert writes two). Its rows are then
-- always locked in stream order, as the upsert's ordered insert did: a batch that found some rows and inserted others
-- could lock a row another instance had just created out of that order. The batch keeps its upsert for a row missing all
-- the same, but no stream is without one.
create function live_stream_counter_row() returns trigger language plpgsql as $$
begin
    insert into stream_gift_seq (stream_id, last, coins, diamonds) values (new.id, 0, 0, 0) on conflict (stream_id) do nothing;
    return null;
end $$;
create trigger live_stream_counter_row after insert on live_stream for each row execute function live_stream_counter_row();
insert into stream_gift_seq (stream_id, last, coins, diamonds) select id, 0, 0, 0 from live_stream order by id on conflict (stream_id) do nothing;
