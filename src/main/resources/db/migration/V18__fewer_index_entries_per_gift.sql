-- Issue 21: fewer index entries written per gift (bench/RESULTS.md reports WAL records per gift from pg_stat_statements).
-- A gift writes three postings; each wrote its primary key (id) and posting_account_idx (account_id, id). Every read of
-- postings goes by account (history, statements, reversals' funding lots) or by hash join (audit), none by id alone:
-- the primary key becomes (account_id, id), still unique (id comes from its sequence), and the second index goes.
alter table posting drop constraint posting_pkey;
alter table posting add constraint posting_pkey primary key (account_id, id);
drop index posting_account_idx;

-- journal_entry(cause_id) is read to answer a replayed grant with its entry; a gift's entry is found from its
-- gift_event (entry_id), never by cause. Gift entries leave the index.
drop index journal_entry_cause_idx;
create index journal_entry_cause_idx on journal_entry (cause_id) where kind <> 'GIFT';
