package com.coinstream.it;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The packaged app configured for the money races across instances: a diamond hold of seconds (so gifts become
 * final during the run), no per-instance gift rate limit in the way, and a second instance beside it on the same
 * database with its own lane slots, as a second replica runs in production.
 */
public class TwoInstances extends ProdApp {
    static final Map<String, String> SETTINGS = Map.of(
            "COINSTREAM_PAYOUT_HOLD_PERIOD", "PT3S",
            "COINSTREAM_GIFT_RATE_PER_SECOND", "100000");

    @Override
    public Map<String, String> start() {
        Map<String, String> properties = new HashMap<>(super.start());
        properties.putAll(SETTINGS);
        return properties;
    }

    static SecondInstance second(int port) throws Exception {
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.put("COINSTREAM_GIFTS_SLOT_OFFSET", "100");
        return SecondInstance.start(port, settings, Set.of());
    }
}
