package com.coinstream.events;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** Events across instances (README "Scaling out"). */
@ConfigMapping(prefix = "coinstream.events")
public interface EventsConfig {
    /**
     * How often each instance notifies itself to check that its listening connection still hears
     * (COINSTREAM_LISTEN_HEARTBEAT, 1 s to 5 minutes); after three beats without hearing itself it listens again.
     */
    Duration listenHeartbeat();
}
