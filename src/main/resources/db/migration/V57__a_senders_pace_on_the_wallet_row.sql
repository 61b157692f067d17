-- The gift rate limit (COINSTREAM_GIFT_RATE_PER_SECOND) was a token bucket in each instance's memory: behind a load
-- balancer a viewer had the rate once per instance reached (25 gifts raced over two instances at 20 a second all went
-- through). It becomes the database's, across every instance: a token bucket on the sender's wallet row, which the gift
-- batch updates anyway (the debit, V43's day of spend), so it costs no row and no WAL record of its own.
--   pace_tokens: millionths of a gift the sender may still send at pace_at (at most a second's gifts);
--   pace_at: when the last gift that took one was sent, by the database's clock.
-- Null on every row until its owner's first gift after this migration (a full bucket). Only the wallet's own row
-- (slot 0) holds them. Adding nullable columns without a default rewrites nothing.
alter table account_balance add column pace_tokens bigint, add column pace_at timestamptz;
