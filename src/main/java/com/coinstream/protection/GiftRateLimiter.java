package com.coinstream.protection;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/**
 * The per-viewer gift rate limit (COINSTREAM_GIFT_RATE_PER_SECOND): a token bucket per sender, bursts up to a second's
 * gifts, refilled continuously. The limit itself is the database's, across every instance: the gift batch keeps each
 * sender's bucket on their wallet row ({@link #pace()}, gift-batch-checks.sql, V57), so 25 gifts raced over two instances
 * are held to it as one. Each instance keeps a bucket in memory too, at twice the rate, only as a shield: a flood is
 * refused before it takes a lane or a statement, and a viewer within the rate never meets it.
 */
@ApplicationScoped
public class GiftRateLimiter {
    /** The memory shield's rate against the limit's: loose enough never to be the limit a viewer meets. */
    static final double SHIELD = 2;
    private static final long MILLIONTHS = 1_000_000;
    private final com.coinstream.domain.TokenBuckets shield;
    private final Pace pace;

    /**
     * The limit as the gift batch keeps it, in millionths of a gift: at most {@code burst} (a second's gifts, and never
     * less than one) held, {@code perSecond} added each second.
     */
    public record Pace(long burst, long perSecond) {
    }

    /** The highest rate the setting takes (a million gifts a second per viewer: in millionths, far within a bigint). */
    static final double MAX_RATE = 1_000_000;

    public GiftRateLimiter(ProtectionConfig config) {
        double rate = config.giftRatePerSecond();
        if (!(rate > 0 && rate <= MAX_RATE)) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_GIFT_RATE_PER_SECOND (" + rate
                    + ") must be above 0 and at most " + (long) MAX_RATE);
        }
        this.pace = new Pace((long) (Math.max(1, rate) * MILLIONTHS), (long) (rate * MILLIONTHS));
        this.shield = new com.coinstream.domain.TokenBuckets(rate * SHIELD, Math.max(1, rate) * SHIELD);
    }

    /** True when the sender's gifts on this instance are within twice the rate (the batch checks the rate itself). */
    public boolean tryAcquire(String senderId) {
        return shield.tryAcquire(senderId);
    }

    /** The limit the gift batch keeps on the senders' wallet rows. */
    public Pace pace() {
        return pace;
    }

    /** Forget senders whose bucket is full again, so the map stays small. */
    @Scheduled(every = "60s")
    void evictIdle() {
        shield.evictIdle(10);
    }
}
