package com.coinstream.web;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Coinstream Web, the front end the service serves at / (README "Web front end"). */
@ConfigMapping(prefix = "coinstream.web")
public interface WebConfig {
    /** Serve the front end (COINSTREAM_WEB_ENABLED); false for an API-only deployment. */
    boolean enabled();

    /** Offer the "sign in as" picker with the demo users (dev and test only: it uses /dev/token). */
    boolean devSignIn();

    Oidc oidc();

    /** How the front end signs people in in prod: OIDC authorization code flow with PKCE, at the issuer the API trusts. */
    interface Oidc {
        /** The identity provider's issuer URL (COINSTREAM_WEB_OIDC_AUTHORITY), whose tokens the API verifies. */
        Optional<String> authority();

        /** The front end's public client id at that provider (COINSTREAM_WEB_OIDC_CLIENT_ID). */
        Optional<String> clientId();

        /** The scopes to ask for (COINSTREAM_WEB_OIDC_SCOPE). */
        String scope();
    }
}
