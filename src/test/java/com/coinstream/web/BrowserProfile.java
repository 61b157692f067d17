package com.coinstream.web;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The browser tests' profile: the front end built (npm + Vite, by Quinoa) and served by the app under test,
 * and a short diamond hold so a payout journey needs no clock tricks.
 */
public class BrowserProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.quinoa", "true", "coinstream.earnings.hold-period", "PT2S");
    }
}
