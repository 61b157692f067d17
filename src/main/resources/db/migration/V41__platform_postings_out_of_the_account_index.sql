-- Issue 31: fewer WAL records per gift. A gift's entry posts to three of the platform's own accounts (coin issuance,
-- diamond issuance, commission) and to one or two of people's accounts (the wallet, the creator's earnings). The index by
-- account, (account_id, id), serves the reads that go by account: a person's ledger history, a creator's statement, a
-- purchase reversal's funding lots. All of them read people's accounts. The platform's postings are only ever summed
-- over the whole table (ledgerAudit, its records), so the spend batch no longer writes them into that index: three index
-- entries fewer per gift. The column says which postings the index holds; every other writer keeps the default (its
-- postings are indexed, as before), so the index still covers every posting of every account a person owns.
alter table posting add column by_account boolean not null default true;
alter table posting drop constraint posting_pkey;
create unique index posting_account_idx on posting (account_id, id) where by_account;
