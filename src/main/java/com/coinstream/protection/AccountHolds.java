package com.coinstream.protection;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.identity.Caller;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Admin holds: an account on hold cannot purchase, gift or cash out (ACCOUNT_ON_HOLD). */
@ApplicationScoped
public class AccountHolds {
    private final Pool pool;
    private final Clock clock;

    public AccountHolds(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    /** Fails with ACCOUNT_ON_HOLD when the user is on hold. */
    public Uni<Void> requireNotOnHold(SqlClient client, String userId) {
        return client.preparedQuery("select hold_reason from app_user where id = $1").execute(Tuple.of(userId)).map(rows -> {
            if (rows.iterator().hasNext() && rows.iterator().next().getString(0) != null) {
                throw new Refusal(ErrorCode.ACCOUNT_ON_HOLD, "Your account is on hold; contact support");
            }
            return null;
        });
    }

    public Uni<Void> requireNotOnHold(String userId) {
        return requireNotOnHold(pool, userId);
    }

    public Uni<Boolean> place(Caller admin, String userId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "reason must be 1-500 characters", "input", "reason");
        }
        // Under the owner lock: once this returns, no gift, purchase or grant of the user that had already passed its
        // checks can still commit (they hold the lock until they do).
        return pool.withTransaction(tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, userId)
                .flatMap(locked -> tx.preparedQuery("update app_user set hold_reason = $2, hold_placed_at = $3, hold_placed_by = $4 where id = $1")
                        .execute(Tuple.of(userId, reason.strip(), OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC),
                                admin.userId()))))
                .map(rows -> found(rows.rowCount()));
    }

    public Uni<Boolean> release(String userId) {
        return pool.preparedQuery("update app_user set hold_reason = null, hold_placed_at = null, hold_placed_by = null where id = $1")
                .execute(Tuple.of(userId)).map(rows -> found(rows.rowCount()));
    }

    private static boolean found(int rows) {
        if (rows == 0) {
            throw new Refusal(ErrorCode.NOT_FOUND, "No such user", "input", "userId");
        }
        return true;
    }
}
