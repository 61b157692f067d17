package com.coinstream.protection;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Viewer protection (README "Viewer protection"). */
@ConfigMapping(prefix = "coinstream.protection")
public interface ProtectionConfig {
    /** Gifts per second per viewer, across every instance (COINSTREAM_GIFT_RATE_PER_SECOND; GiftRateLimiter). */
    double giftRatePerSecond();

    /**
     * Refused admin attempts recorded per minute per caller who is not an admin, per instance (every caller without a
     * valid token counts as one; COINSTREAM_REFUSED_ADMIN_ATTEMPTS_PER_MINUTE); the rest are counted, not recorded.
     */
    int refusedAdminAttemptsPerMinute();

    /** How long a raised or removed spending limit waits before it takes effect (COINSTREAM_LIMIT_RAISE_COOLDOWN). */
    Duration limitRaiseCooldown();

    DefaultLimit defaultLimit();

    Ring ring();

    /** Platform-wide caps in coins for viewers without their own (COINSTREAM_DEFAULT_DAILY_LIMIT / _WEEKLY_ / _MONTHLY_; unset: none). */
    interface DefaultLimit {
        Optional<Long> day();

        Optional<Long> week();

        Optional<Long> month();
    }

    /** The self-gifting ring signal (COINSTREAM_RING_*). */
    interface Ring {
        Duration window();

        Duration newAccountAge();

        int minimumAccounts();

        int minimumSharePercent();
    }
}
