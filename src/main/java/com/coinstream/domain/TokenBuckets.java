package com.coinstream.domain;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key, on this instance: bursts up to the rate, refilled continuously. The one home of per-caller
 * rates kept in memory (gifts per viewer, recorded admin attempts per caller); limits on money live in the database.
 */
public final class TokenBuckets {
    private static final long NANOS = 1_000_000_000L;
    private static final long UNIT = 1_000_000;
    private final ConcurrentHashMap<String, long[]> buckets = new ConcurrentHashMap<>();
    private final double perSecond;
    private final long capacity;

    /** {@code perSecond} refilled continuously, holding at most {@code burst} at once. */
    public TokenBuckets(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.capacity = (long) (burst * UNIT);
    }

    /** True when {@code key} may do one more now (and it is counted). */
    public boolean tryAcquire(String key) {
        long now = System.nanoTime();
        boolean[] allowed = new boolean[1];
        buckets.compute(key, (id, b) -> {
            // b[0] = tokens x 1e6 (fixed point), b[1] = last refill time
            if (b == null) {
                b = new long[] { capacity, now };
            } else {
                long refill = (long) ((now - b[1]) * perSecond * UNIT / NANOS);
                if (refill > 0) {
                    // (time too short to refill anything is kept for the next call, not lost)
                    b[0] = Math.min(capacity, b[0] + refill);
                    b[1] = now;
                }
            }
            if (b[0] >= UNIT) {
                b[0] -= UNIT;
                allowed[0] = true;
            }
            return b;
        });
        return allowed[0];
    }

    /** Forget the keys not seen for {@code idleSeconds} (their buckets are full again by then), so the map stays small. */
    public void evictIdle(long idleSeconds) {
        long cutoff = System.nanoTime() - idleSeconds * NANOS;
        buckets.entrySet().removeIf(e -> e.getValue()[1] < cutoff);
    }
}
