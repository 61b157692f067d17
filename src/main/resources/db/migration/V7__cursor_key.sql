-- A random key per deployment that makes cursors (and ledger line ids) opaque: they carry row positions,
-- which must not tell one user how many rows others have. Shared by every instance on the database.
-- gen_random_uuid() draws from PostgreSQL's strong random source; two of them give 244 random bits.
create table cursor_key (
    id  smallint primary key check (id = 1),
    key bytea not null check (length(key) = 32)
);
insert into cursor_key (id, key)
values (1, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
