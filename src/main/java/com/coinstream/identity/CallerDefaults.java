package com.coinstream.identity;

import jakarta.inject.Singleton;

import com.coinstream.domain.PolicyConfig;

/**
 * Settings applied to every caller, read once. (Injecting a config property into the request-scoped
 * {@link CurrentCaller} would look it up in the configuration on every request.)
 */
@Singleton
public class CallerDefaults {
    private final String region;

    public CallerDefaults(PolicyConfig policy) {
        this.region = policy.defaultRegion();
    }

    /** Region of a token without a region claim. */
    public String region() {
        return region;
    }
}
