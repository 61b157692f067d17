-- Money correctness (issue 14).

-- A gift remembers the sender's wallet right after it (so a replay returns the original payload) and the
-- sender's local calendar day it counted towards (so spend_day can be reconciled with the gifts).
alter table gift_event add column wallet_after bigint;
alter table gift_event add column local_day date;

-- A refund or dispute that arrives before the payment succeeded closes the purchase without any coins
-- ever being credited: such a reversal has no ledger entry.
alter table purchase_reversal alter column entry_id drop not null;

-- A rate version changes only what it names: a null creator share keeps the share of the versions before it.
alter table rate_card alter column creator_share_num drop not null;
alter table rate_card alter column creator_share_den drop not null;
alter table rate_card add constraint creator_share_whole check ((creator_share_num is null) = (creator_share_den is null));
