-- The catalogue Coinstream launches with: the published coin packages and the gift catalogue.
-- This is product data, not demo data (demo users stay in db/dev), so every deployment can sell coins
-- and send gifts from its first start; admins change it with createCoinPackage / retireCoinPackage /
-- createGift / updateGift. The dev seed (V1_1, V2_1) already holds the same rows there, and applied
-- migrations are never edited, hence "on conflict do nothing".
insert into coin_package (id, region, coins, price_minor, currency, active, created_at) values
    ('00000000-0000-4000-8000-000000000070', 'US', 70, 99, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8000-000000000350', 'US', 350, 499, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8000-000000000700', 'US', 700, 999, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8000-000000001400', 'US', 1400, 1999, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8000-000000003500', 'US', 3500, 4999, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8000-000000007000', 'US', 7000, 9999, 'USD', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8001-000000000070', 'GB', 70, 89, 'GBP', true, '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-8001-000000000350', 'GB', 350, 449, 'GBP', true, '2026-01-01T00:00:00Z')
on conflict (id) do nothing;

insert into gift (id, name, coins, tier, animation_key, regions, active_from, created_at, updated_at) values
    ('00000000-0000-4000-9000-000000000001', 'Rose', 1, 1, 'gifts/rose', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-9000-000000000005', 'Finger Heart', 5, 1, 'gifts/finger-heart', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-9000-000000000020', 'Perfume', 20, 2, 'gifts/perfume', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-9000-000000000100', 'Hand Hearts', 100, 3, 'gifts/hand-hearts', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-9000-000000000199', 'Sunglasses', 199, 3, 'gifts/sunglasses', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-9000-000000000500', 'Money Gun', 500, 4, 'gifts/money-gun', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-9000-000000001000', 'Galaxy', 1000, 5, 'gifts/galaxy', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-9000-000000029999', 'Lion', 29999, 8, 'gifts/lion', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('00000000-0000-4000-9000-000000044999', 'Universe', 44999, 9, 'gifts/universe', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
on conflict (id) do nothing;
