package com.coinstream.protection;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.identity.Caller;
import com.coinstream.webhooks.WebhookOutbox;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Admin holds: an account on hold cannot purchase, gift or cash out (ACCOUNT_ON_HOLD). */
@ApplicationScoped
public class AccountHolds {
    private final Pool pool;
    private final Clock clock;
    private final AdminAuditLog adminLog;
    private final WebhookOutbox outbox;

    public AccountHolds(Pool pool, Clock clock, AdminAuditLog adminLog, WebhookOutbox outbox) {
        this.outbox = outbox;
        this.adminLog = adminLog;
        this.pool = pool;
        this.clock = clock;
    }

    /** Fails with ACCOUNT_ON_HOLD when the user is on hold. */
    /**
     * A person's own money request (a purchase, a payout): refused once they are erased (FORBIDDEN) or while on hold.
     * Called under the person's owner lock, which erasure takes too, so it is a fence: the request commits before the
     * erasure or is refused.
     */
    public Uni<Void> requireNotOnHold(SqlClient client, String userId) {
        return client.preparedQuery("select hold_reason, erased_at is not null as erased from app_user where id = $1").execute(Tuple.of(userId))
                .map(rows -> {
                    Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    if (row != null && row.getBoolean("erased")) {
                        throw ERASED_SELF.get();
                    }
                    if (row != null && row.getString("hold_reason") != null) {
                        throw new Refusal(ErrorCode.ACCOUNT_ON_HOLD, "Your account is on hold; contact support");
                    }
                    return null;
                });
    }

    /** The refusal of an erased person's own request (a gift, a stream, a purchase), wherever the fence catches it. */
    public static final java.util.function.Supplier<Refusal> ERASED_SELF = () -> new Refusal(ErrorCode.FORBIDDEN, "This account has been erased");

    /** An admin's action on a person (a grant): refused with INVALID_STATE once they are erased. Under their owner lock. */
    public Uni<Void> requireNotErased(SqlClient client, String userId) {
        return client.preparedQuery("select erased_at is not null from app_user where id = $1").execute(Tuple.of(userId)).map(rows -> {
            if (rows.iterator().hasNext() && rows.iterator().next().getBoolean(0)) {
                throw new Refusal(ErrorCode.INVALID_STATE, "This account has been erased", "input", "userId");
            }
            return null;
        });
    }

    public Uni<Void> requireNotOnHold(String userId) {
        return requireNotOnHold(pool, userId);
    }

    /** No admin places or releases a hold on their own account: a hold is another admin's decision, and so is its end. */
    private static void notOwn(Caller admin, String userId) {
        if (admin.userId().equals(userId)) {
            throw new Refusal(ErrorCode.FORBIDDEN, "A hold on your own account is another admin's to place or release", "input", "userId");
        }
    }

    public Uni<Boolean> place(Caller admin, String userId, String reason, AuditDraft audit) {
        notOwn(admin, userId);
        Text.require(reason, 500, true, "reason", "input", "reason");
        // Under the owner lock: once this returns, no gift, purchase or grant of the user that had already passed its
        // checks can still commit (they hold the lock until they do).
        return pool.withTransaction(tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, userId)
                .call(locked -> adminLog.before(tx, audit))
                // Only an account not on hold changes (a second hold, or 25 at once, finds it held: the first hold's reason,
                // time and admin stay, and no second hold_placed event goes out), as a second release does.
                .flatMap(locked -> tx.preparedQuery("update app_user set hold_reason = $2, hold_placed_at = $3, hold_placed_by = $4 "
                        + "where id = $1 and hold_reason is null")
                        .execute(Tuple.of(userId, reason.strip(), OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC),
                                admin.userId())))
                .flatMap(rows -> changed(tx, rows, userId))
                // a hold another admin placed is theirs: this admin's is refused (and recorded as refused), not answered as
                // if it had been placed; the same admin's again (a retry, or 25 at once) is a replay
                .call(placed -> placed ? Uni.createFrom().voidItem()
                        : tx.preparedQuery("select hold_placed_by from app_user where id = $1").execute(Tuple.of(userId)).invoke(held -> {
                            String by = held.iterator().next().getString(0);
                            if (by != null && !by.equals(admin.userId())) {
                                throw new Refusal(ErrorCode.INVALID_STATE, "The account is already on hold, placed by another admin: "
                                        + "release it first to place a hold of your own", "input", "userId");
                            }
                        }))
                .call(placed -> placed ? outbox.emit(tx, holdEvent(WebhookOutbox.HOLD_PLACED, userId, reason.strip())) : Uni.createFrom().voidItem())
                // (a hold already in place is not this request's: nothing recorded as done with a reason never applied)
                .call(placed -> placed ? adminLog.append(tx, audit) : adminLog.replayed(audit))
                .replaceWith(true));
    }

    public Uni<Boolean> release(Caller admin, String userId, AuditDraft audit) {
        notOwn(admin, userId);
        // Only a held account changes (a concurrent second release finds it released and sends no second event).
        // (under the owner lock, as a hold is placed: the state recorded before is the one released)
        return pool.withTransaction(tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, userId)
                // (an erased account has no hold to release: refused as a hold placed on it is, never answered as done)
                .call(locked -> requireNotErased(tx, userId))
                .call(locked -> adminLog.before(tx, audit))
                .flatMap(v -> tx.preparedQuery("update app_user set hold_reason = null, hold_placed_at = null, hold_placed_by = null "
                        + "where id = $1 and hold_reason is not null").execute(Tuple.of(userId)))
                .flatMap(rows -> changed(tx, rows, userId))
                .call(wasHeld -> wasHeld ? outbox.emit(tx, holdEvent(WebhookOutbox.HOLD_RELEASED, userId, null)) : Uni.createFrom().voidItem())
                // (an account not on hold: nothing released, recorded as a replay, as a second hold is)
                .call(wasHeld -> wasHeld ? adminLog.append(tx, audit) : adminLog.replayed(audit))
                .replaceWith(true));
    }

    private WebhookOutbox.Event holdEvent(String type, String userId, String reason) {
        Instant at = clock.instant();
        return new WebhookOutbox.Event(type, UUID.randomUUID(), at, null, null, null,
                new JsonObject().put("userId", userId).put("reason", reason));
    }

    /** Whether the conditional update changed the user's row: false when the user is already as asked, NOT_FOUND when there is no such user. */
    private static Uni<Boolean> changed(SqlConnection tx, RowSet<Row> updated, String userId) {
        return updated.rowCount() == 1 ? Uni.createFrom().item(true)
                : tx.preparedQuery("select 1 from app_user where id = $1").execute(Tuple.of(userId)).map(r -> {
                    if (r.size() == 0) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such user", "input", "userId");
                    }
                    return false;
                });
    }
}
