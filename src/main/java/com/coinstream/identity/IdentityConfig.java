package com.coinstream.identity;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/**
 * The token verification settings, read under their standard MicroProfile JWT names (MP_JWT_VERIFY_*), only to
 * refuse a start without them and for the dev token endpoint's issuer; SmallRye JWT itself verifies the tokens.
 */
@ConfigMapping(prefix = "mp.jwt.verify")
public interface IdentityConfig {
    /** The expected issuer (MP_JWT_VERIFY_ISSUER). */
    Optional<String> issuer();

    /** The public key itself (MP_JWT_VERIFY_PUBLICKEY). */
    @WithName("publickey")
    Optional<String> publicKey();

    /** Where the public key is, a file or URL (MP_JWT_VERIFY_PUBLICKEY_LOCATION). */
    @WithName("publickey.location")
    Optional<String> publicKeyLocation();

    // The other standard MicroProfile JWT settings, read by SmallRye JWT itself; named here so that setting them is not
    // refused as an unknown key under this prefix.

    /** MP_JWT_VERIFY_PUBLICKEY_ALGORITHM. */
    @WithName("publickey.algorithm")
    Optional<String> publicKeyAlgorithm();

    /** MP_JWT_VERIFY_AUDIENCES. */
    Optional<String> audiences();

    /** MP_JWT_VERIFY_CLOCK_SKEW (seconds). */
    @WithName("clock.skew")
    Optional<Integer> clockSkew();

    /** MP_JWT_VERIFY_TOKEN_AGE (seconds). */
    @WithName("token.age")
    Optional<Long> tokenAge();
}
