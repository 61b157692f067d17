-- A webhook address as shown to anyone but the one who set it up: without its query, fragment and credentials (where
-- receivers keep tokens). The rule of V36's audit states (audit_target_state) and of AdminActionInterceptor.withoutSecrets,
-- as a function for every SQL reader from now on: the data export shows a creator the addresses an admin set up for
-- their events this way.
create function url_without_secrets(url text) returns text language sql immutable as $$
    select regexp_replace(regexp_replace(url, '[?#].*$', ''), '^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@', '\1')
$$;
