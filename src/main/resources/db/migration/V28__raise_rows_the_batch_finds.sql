-- Fewer WAL records per gift, the same rows (issue 31). An upsert (INSERT ... ON CONFLICT DO UPDATE) that finds its row
-- writes two WAL records, the row's lock and then its update; a plain UPDATE writes one. A sender's row of the day's
-- spend is nearly always there already (every gift of the day adds to it), so the gift batch now raises it with an
-- UPDATE, and only a day it did not find goes through the upsert (gift-batch-records.sql).
--
-- The table also leaves a fifth of each page free, so that such an update can stay on its page (a HOT update: no new
-- index entry) instead of moving the row. It applies to pages written from now on.
alter table spend_day set (fillfactor = 80);
