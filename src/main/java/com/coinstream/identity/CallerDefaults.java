package com.coinstream.identity;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settings applied to every caller, read once. (Injecting a config property into the request-scoped
 * {@link CurrentCaller} would look it up in the configuration on every request.)
 */
@Singleton
public class CallerDefaults {
    private final String region;

    public CallerDefaults(@ConfigProperty(name = "coinstream.default-region") String region) {
        this.region = region;
    }

    /** Region of a token without a region claim. */
    public String region() {
        return region;
    }
}
