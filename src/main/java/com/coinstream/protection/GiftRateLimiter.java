package com.coinstream.protection;

import jakarta.enterprise.context.ApplicationScoped;


import io.quarkus.scheduler.Scheduled;

/**
 * Per-viewer gift rate limit (a token bucket per sender: bursts up to the rate, refilled continuously).
 * Per instance: behind a load balancer the effective limit is the rate times the instances a viewer
 * reaches, which is why the money limits (spending caps) live in the database and this one does not.
 */
@ApplicationScoped
public class GiftRateLimiter {
    private final com.coinstream.domain.TokenBuckets buckets;

    public GiftRateLimiter(ProtectionConfig config) {
        this.buckets = new com.coinstream.domain.TokenBuckets(config.giftRatePerSecond(), config.giftRatePerSecond());
    }

    /** True when the sender may send one more gift now. */
    public boolean tryAcquire(String senderId) {
        return buckets.tryAcquire(senderId);
    }

    /** Forget senders whose bucket is full again, so the map stays small. */
    @Scheduled(every = "60s")
    void evictIdle() {
        buckets.evictIdle(10);
    }
}
