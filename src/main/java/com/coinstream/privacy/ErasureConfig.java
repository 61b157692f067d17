package com.coinstream.privacy;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** A person's data (README "A person's data and retention"). */
@ConfigMapping(prefix = "coinstream.erasure")
public interface ErasureConfig {
    /** How long after a request an admin may complete an erasure (COINSTREAM_ERASURE_WAITING_PERIOD, default P30D). */
    Duration waitingPeriod();
}
