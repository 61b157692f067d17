package com.coinstream.identity;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/** SmallRye JWT's parser with the verified-token cache in front (COINSTREAM_TOKEN_CACHE_SIZE; 0 turns it off). */
@Decorator
@Priority(10)
public abstract class CachingTokenParser implements JWTParser {
    private final JWTParser delegate;
    private final TokenCache cache;

    public CachingTokenParser(@Delegate JWTParser delegate, TokenCaches caches) {
        this.delegate = delegate;
        this.cache = caches.cache();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        return cache.get(token, delegate::parse);
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return cache.get(token, t -> delegate.parse(t, context));
    }
}
