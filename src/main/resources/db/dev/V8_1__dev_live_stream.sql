-- Dev and test seed: carol is live, so every README example runs in order on a fresh `./mvnw quarkus:dev`.
insert into live_stream (id, creator_id, title, status, started_at) values
    ('00000000-0000-4000-a000-0000000ca201', 'carol', 'Carol live: acoustic evening', 'LIVE', '2026-01-01T00:00:00Z');
-- The demo users are adults as their dev tokens say (creators must be adults to receive gifts before they first sign in).
update app_user set birthdate = '1990-01-01' where id in ('alice', 'bob', 'carol', 'dave', 'admin');
