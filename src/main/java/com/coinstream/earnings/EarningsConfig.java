package com.coinstream.earnings;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "coinstream.earnings")
public interface EarningsConfig {
    /** How long a gift's diamonds stay pending before they can be cashed out (COINSTREAM_PAYOUT_HOLD_PERIOD). */
    Duration holdPeriod();
}
