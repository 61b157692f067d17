-- Dev and test seed data only (never on the prod migration path).
insert into coin_package (id, region, coins, price_minor, currency, active, created_at) values
    ('00000000-0000-4000-8000-000000000070', 'US', 70, 99, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8000-000000000350', 'US', 350, 499, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8000-000000000700', 'US', 700, 999, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8000-000000001400', 'US', 1400, 1999, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8000-000000003500', 'US', 3500, 4999, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8000-000000007000', 'US', 7000, 9999, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8001-000000000070', 'GB', 70, 89, 'GBP', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8001-000000000350', 'GB', 350, 449, 'GBP', true, '2026-01-01T00:00:00Z');

insert into app_user (id, display_name, region, created_at) values
    ('alice', 'Alice (viewer)', 'US', '2026-01-01T00:00:00Z'),
    ('bob', 'Bob (viewer)', 'US', '2026-01-01T00:00:00Z'),
    ('carol', 'Carol (creator)', 'US', '2026-01-01T00:00:00Z'),
    ('dave', 'Dave (creator)', 'GB', '2026-01-01T00:00:00Z'),
    ('admin', 'Ada (admin)', 'US', '2026-01-01T00:00:00Z');
