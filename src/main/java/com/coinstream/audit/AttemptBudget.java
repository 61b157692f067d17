package com.coinstream.audit;

import java.util.Set;

import com.coinstream.domain.TokenBuckets;
import com.coinstream.identity.Role;

/**
 * Which refused admin attempts are written to the log, which is append-only and kept for ever: every admin's; anyone
 * else's up to so many a minute per caller on an instance (every caller without a valid token counting as one), so that
 * no one can fill the database with made-up attempts. Those past the budget are counted (a metric), not recorded.
 */
final class AttemptBudget {
    private final TokenBuckets buckets;

    AttemptBudget(int perMinute) {
        this.buckets = new TokenBuckets(perMinute / 60.0, perMinute);
    }

    /** Whether a refused attempt by {@code actorId} (null: no valid token) with {@code roles} is recorded (and counted). */
    boolean record(String actorId, Set<String> roles) {
        if (roles != null && roles.contains(Role.ADMIN)) {
            return true;
        }
        return buckets.tryAcquire(actorId == null ? "" : actorId);
    }

    /** Forget callers whose budget is whole again (a minute refills it). */
    void evictIdle() {
        buckets.evictIdle(120);
    }
}
