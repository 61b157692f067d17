-- The hour's test events are counted per subscription and per owner (all their subscriptions, deleted ones included)
-- before each new one. Through the deliveries' own index that read every delivery of the owner's subscriptions, a
-- busy creator's gift.sent rows included, under the limit's lock. A partial index holds the test events alone: the gift
-- path writes none of its entries.
create index webhook_delivery_tests_idx on webhook_delivery (subscription_id, occurred_at) where event_type = 'webhook.test';
