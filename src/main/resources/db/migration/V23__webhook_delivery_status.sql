-- A subscription's deliveries filtered by state (the console's "failed" and "pending" views) read only the
-- deliveries that are not delivered: the few that matter, however many were delivered before them.
create index webhook_delivery_unsettled_idx on webhook_delivery (subscription_id, id) where status <> 'DELIVERED';
