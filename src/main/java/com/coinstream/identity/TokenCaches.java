package com.coinstream.identity;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The one verified-token cache of the process. */
@ApplicationScoped
public class TokenCaches {
    private final TokenCache cache;

    public TokenCaches(Settings settings, IdentityConfig verification) {
        // the system clock, as SmallRye JWT's own checks use (not the application's clock, which tests move)
        this.cache = new TokenCache(settings.tokenCacheSize(), verification.tokenAge().orElse(0L), Clock.systemUTC());
    }

    public TokenCache cache() {
        return cache;
    }

    @ConfigMapping(prefix = "coinstream.identity")
    public interface Settings {
        /** Verified tokens kept (COINSTREAM_TOKEN_CACHE_SIZE, default 0: every request is verified). */
        @WithDefault("0")
        int tokenCacheSize();
    }
}
