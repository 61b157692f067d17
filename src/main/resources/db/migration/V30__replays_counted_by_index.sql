-- replayWebhookDeliveries is limited per subscription and hour, counted from the audit log under a lock
-- (WebhookSubscriptions.replay): this index finds the hour's done replays of one subscription directly, however many
-- other records it has (refused attempts, which anyone may make, included).
create index admin_audit_replays_idx on admin_audit (target_id, at) where action = 'replayWebhookDeliveries' and outcome = 'DONE';
