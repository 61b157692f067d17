-- The audit log's time-range and outcome filters (auditLog(filter: {from, to, outcome})) walked the whole table backwards
-- by seq to find a sparse page: a day two years ago, or the few FAILED records, read every record since. Records are
-- written in time order, so an index on the time serves a range and its seq order alike; the outcome's index keeps seq
-- order within each outcome.
create index admin_audit_at_idx on admin_audit (at);
create index admin_audit_outcome_idx on admin_audit (outcome, seq);
