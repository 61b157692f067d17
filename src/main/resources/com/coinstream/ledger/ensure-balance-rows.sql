-- Create balance rows that do not exist yet (zero), outside any money transaction: inside one, every balance
-- change is then an UPDATE of an existing row, locked in (account, slot) order.
insert into account_balance (account_id, slot, balance, allow_negative)
select r.account_id, r.slot, 0, r.allow_negative
from unnest($1::bigint[], $2::smallint[], $3::boolean[]) as r(account_id, slot, allow_negative)
order by r.account_id, r.slot
on conflict (account_id, slot) do nothing
