-- The gift hot path writes every index on every gift: keep only the ones reads need.
-- posting(entry_id): audits and reversals join postings to entries by hash, not by index.
drop index if exists posting_entry_idx;
-- gift_event(created_at): only the admin ring signal scans by time, and it can filter a sequential scan.
drop index if exists gift_event_recent_idx;
-- gift_event.seq comes from a sequence and is unique by construction; cursors use the composite indexes.
alter table gift_event drop constraint if exists gift_event_seq_key;
