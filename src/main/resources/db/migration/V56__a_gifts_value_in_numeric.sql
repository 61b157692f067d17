-- A gift's money value at the region's base price (a sender who never bought coins in the currency), as RateCard.valueOf
-- counts it: coins x price / coins-per-price, rounded half up, in numeric. The batch statement counted it in bigint, and
-- the product of a dear gift (up to 99 x the dearest) and a dear base price (published bounds allow up to 10^13 minor
-- units) passed 64 bits: the statement raised, and every gift of its batch failed with it. The value is informational;
-- past a bigint (no bounds published reach it) it is held at the largest one, never an error.
create function gift_value_minor(coins bigint, price_minor bigint, per_coins bigint) returns bigint
language sql immutable parallel safe as $$
    select least(round(coins::numeric * price_minor / per_coins), 9223372036854775807)::bigint
$$;
