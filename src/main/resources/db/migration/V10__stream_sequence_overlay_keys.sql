-- Gift events carry a per-stream sequence number (1, 2, 3 ... per stream, in commit order): a client that sees a
-- gap, or reconnects, reads what it missed with streamEvents(after:). One counter row per stream, advanced by
-- the gift batch that commits the gifts, which also keeps the stream's running total of coins (so each event's
-- streamTotal is exact whichever lane committed it).
create table stream_gift_seq (
    stream_id uuid primary key,
    last      bigint not null check (last >= 0),
    coins     bigint not null check (coins >= 0)
);
alter table gift_event add column stream_seq bigint;
-- and the stream's running total of coins including the gift, as the feed showed it
alter table gift_event add column stream_total bigint;
update gift_event g set stream_seq = n.stream_seq, stream_total = n.stream_total
from (select id, row_number() over (partition by stream_id order by seq) as stream_seq,
             sum(coins) over (partition by stream_id order by seq) as stream_total from gift_event) n
where n.id = g.id;
insert into stream_gift_seq (stream_id, last, coins) select stream_id, max(stream_seq), sum(coins) from gift_event group by stream_id;
-- Reads by stream follow the sequence now (the feed's backfill, top gifters).
drop index if exists gift_event_stream_idx;
create index gift_event_stream_idx on gift_event (stream_id, stream_seq);

-- Read-only keys for a creator's stream overlay (a browser source in streaming software, which cannot sign in).
-- Only a hash of the key is kept: it is shown once, when created.
create table overlay_key (
    id         uuid primary key,
    creator_id text not null references app_user (id),
    label      text not null check (length(label) between 1 and 64),
    key_hash   bytea not null unique,
    key_hint   text not null,
    created_at timestamptz not null,
    revoked_at timestamptz
);
create index overlay_key_creator_idx on overlay_key (creator_id, created_at);
