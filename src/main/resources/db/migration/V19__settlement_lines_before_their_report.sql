-- A settlement report streams in: its lines are written as they are read, and the report's own row (its file's
-- SHA-256, period and line count, known only at the end) after them, in the same transaction. The report stays
-- append-only; the lines' reference to it is checked at commit instead of at each insert.
alter table settlement_line drop constraint settlement_line_report_id_fkey;
alter table settlement_line add constraint settlement_line_report_id_fkey foreign key (report_id) references settlement_report (id)
    deferrable initially deferred;
