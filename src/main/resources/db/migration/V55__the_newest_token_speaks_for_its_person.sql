-- The issue time (epoch seconds, the token's iat; 0 when unknown) of the token whose claims (name, region, birthdate)
-- the row holds. A token issued earlier than that never writes its claims back (UserDirectory): a birthdate corrected
-- by the identity provider, which decides whether a creator's stream may receive gifts, is not undone by a token the
-- person still holds from before the correction.
alter table app_user add column claims_issued_at bigint not null default 0;
