package com.coinstream.protection;

import java.math.BigInteger;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Amounts;
import com.coinstream.domain.ErrorCode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A viewer's session reminder: after this many coins sent in one live stream, each further gift to that stream needs
 * {@code confirmed: true} (CONFIRMATION_REQUIRED otherwise). The rule itself is checked in the gift batch statement
 * (gift-batch-checks.sql), against the stream's supporter rollup, so it holds whichever instance takes the gift.
 */
@ApplicationScoped
public class SessionReminders {
    /** The largest reminder: as large as a spending limit may be. */
    public static final long MAX_COINS = 100_000_000L;
    private final Pool pool;

    public SessionReminders(Pool pool) {
        this.pool = pool;
    }

    /** The caller's reminder in coins, or null when none is set. */
    public Uni<Long> get(String userId) {
        return pool.preparedQuery("select session_reminder_coins from app_user where id = $1").execute(Tuple.of(userId))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getLong(0) : null);
    }

    /** Sets (or with null removes) the reminder; it applies from the next gift, in every stream. */
    public Uni<Long> set(String userId, BigInteger coins) {
        Long value = coins == null ? null : Amounts.within(coins, 1, MAX_COINS, ErrorCode.INVALID_AMOUNT, "coins", "input", "coins");
        return pool.preparedQuery("update app_user set session_reminder_coins = $2 where id = $1 returning session_reminder_coins")
                .execute(Tuple.of(userId, value)).map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getLong(0) : null);
    }
}
