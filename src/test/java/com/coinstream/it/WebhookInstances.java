package com.coinstream.it;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The packaged app for the webhook ITs: loopback receivers allowed (a test setting; production refuses them), a short
 * lease so a dead sender's claim is taken over within seconds, and this instance keeping to API work
 * (COINSTREAM_WEBHOOK_DISPATCH=false), so that which process sends is up to the test: the ones it starts, and kills.
 */
public class WebhookInstances extends ProdApp {
    static final Map<String, String> SETTINGS = Map.of(
            "COINSTREAM_WEBHOOK_ALLOW_LOOPBACK", "true",
            "COINSTREAM_WEBHOOK_LEASE", "PT4S",
            "COINSTREAM_WEBHOOK_RESPONSE_TIMEOUT", "PT1S",
            "COINSTREAM_WEBHOOK_RETRY_INITIAL_DELAY", "PT0.2S",
            "COINSTREAM_GIFT_RATE_PER_SECOND", "100000");

    @Override
    public Map<String, String> start() {
        Map<String, String> properties = new HashMap<>(super.start());
        properties.putAll(SETTINGS);
        properties.put("COINSTREAM_WEBHOOK_DISPATCH", "false");
        return properties;
    }

    /** A sending instance. */
    static SecondInstance sender(int port) throws Exception {
        return sender(port, Map.of());
    }

    /** A sending instance with some settings of its own. */
    static SecondInstance sender(int port, Map<String, String> overrides) throws Exception {
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.putAll(overrides);
        settings.put("COINSTREAM_GIFTS_SLOT_OFFSET", "" + (port % 10) * 100);
        return SecondInstance.start(port, settings, Set.of());
    }
}
