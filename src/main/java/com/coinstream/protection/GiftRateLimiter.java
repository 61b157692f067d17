package com.coinstream.protection;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;


import io.quarkus.scheduler.Scheduled;

/**
 * Per-viewer gift rate limit (a token bucket per sender: bursts up to the rate, refilled continuously).
 * Per instance: behind a load balancer the effective limit is the rate times the instances a viewer
 * reaches, which is why the money limits (spending caps) live in the database and this one does not.
 */
@ApplicationScoped
public class GiftRateLimiter {
    private static final long NANOS = 1_000_000_000L;
    private final ConcurrentHashMap<String, long[]> buckets = new ConcurrentHashMap<>();
    private final double perSecond;

    public GiftRateLimiter(ProtectionConfig config) {
        this.perSecond = config.giftRatePerSecond();
    }

    /** True when the sender may send one more gift now. */
    public boolean tryAcquire(String senderId) {
        long now = System.nanoTime();
        boolean[] allowed = new boolean[1];
        buckets.compute(senderId, (id, b) -> {
            // b[0] = tokens x 1e6 (fixed point), b[1] = last refill time
            long capacity = (long) (perSecond * 1_000_000);
            if (b == null) {
                b = new long[] { capacity, now };
            } else {
                long refill = (long) ((now - b[1]) * perSecond * 1_000_000 / NANOS);
                b[0] = Math.min(capacity, b[0] + refill);
                b[1] = now;
            }
            if (b[0] >= 1_000_000) {
                b[0] -= 1_000_000;
                allowed[0] = true;
            }
            return b;
        });
        return allowed[0];
    }

    /** Forget senders whose bucket is full again, so the map stays small. */
    @Scheduled(every = "60s")
    void evictIdle() {
        long cutoff = System.nanoTime() - 10 * NANOS;
        buckets.entrySet().removeIf(e -> e.getValue()[1] < cutoff);
    }
}
