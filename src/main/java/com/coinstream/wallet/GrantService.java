package com.coinstream.wallet;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.db.Transactions;
import com.coinstream.domain.Amounts;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.identity.Caller;
import com.coinstream.identity.UserDirectory;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.EntryDraft;
import com.coinstream.ledger.EntryKind;
import com.coinstream.ledger.Idempotency;
import com.coinstream.ledger.Ledger;
import com.coinstream.ledger.LedgerEntryRef;
import com.coinstream.protection.AccountHolds;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Admin grants of free coins (promotions, compensation), booked against the promotions account. */
@ApplicationScoped
public class GrantService {
    private static final int MAX_REASON = 500;

    private final Pool pool;
    private final Ledger ledger;
    private final Idempotency idempotency;
    private final UserDirectory users;
    private final Clock clock;
    private final long maxCoins;
    private final WalletFeed walletFeed;
    private final AdminAuditLog adminLog;
    private final AccountHolds holds;

    public GrantService(Pool pool, Ledger ledger, Idempotency idempotency, UserDirectory users, Clock clock,
            GrantConfig config, WalletFeed walletFeed, AdminAuditLog adminLog, AccountHolds holds) {
        this.holds = holds;
        this.adminLog = adminLog;
        this.walletFeed = walletFeed;
        this.pool = pool;
        this.ledger = ledger;
        this.idempotency = idempotency;
        this.users = users;
        this.clock = clock;
        this.maxCoins = config.maxCoins();
    }

    public record Granted(String userId, LedgerEntryRef entry) {
    }

    /** The grant's entry, and whether this call posted it (false for a replay). */
    private record Posted(LedgerEntryRef entry, boolean now) {
    }

    public Uni<Granted> grant(Caller admin, String userId, BigInteger requestedCoins, String reason, String idempotencyKey,
            AuditDraft audit) {
        String key = Idempotency.validKey(idempotencyKey);
        if (userId == null || userId.isBlank() || userId.length() > com.coinstream.identity.Caller.MAX_USER_ID) {
            throw new Refusal(ErrorCode.NOT_FOUND, "No such user", "input", "userId");
        }
        if (userId.equals(admin.userId())) {
            // as with holds and payouts: what an admin does to their own account is another admin's to do
            throw new Refusal(ErrorCode.FORBIDDEN, "Coins for your own account are another admin's to grant", "input", "userId");
        }
        long coins = Amounts.within(requestedCoins, 1, maxCoins, ErrorCode.INVALID_AMOUNT, "coins", "input", "coins");
        Text.require(reason, MAX_REASON, true, "reason", "input", "reason");
        String hash = Idempotency.fingerprint("grantCoins", userId, coins, reason);
        UUID grantId = UUID.randomUUID();
        Instant now = clock.instant();
        EntryDraft draft = EntryDraft.of(EntryKind.GRANT, grantId, now).memo(reason)
                .move(AccountKey.platform(AccountPurpose.PROMOTIONS, Asset.COIN), AccountKey.wallet(userId), coins);
        return users.find(userId)
                .invoke(found -> {
                    if (found.isEmpty()) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such user", "input", "userId");
                    }
                })
                .flatMap(found -> ledger.prepare(draft))
                .flatMap(ready -> Transactions.retrying(pool, tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, userId)
                        .call(locked -> adminLog.before(tx, audit))
                        .flatMap(locked -> idempotency.claim(tx, admin.userId(), key, "grantCoins", hash, grantId, now))
                        .flatMap(claim -> claim.outcome() == Idempotency.Outcome.NEW
                                ? holds.requireNotErased(tx, userId).flatMap(v -> ledger.post(tx, ready)).replaceWith(new Posted(new LedgerEntryRef(grantId.toString(), EntryKind.GRANT.name(), reason, now), true))
                                : original(tx, claim.resultId()).map(entry -> new Posted(entry, false)))
                        .call(posted -> posted.now() ? adminLog.append(tx, audit) : adminLog.replayed(audit))))
                .invoke(posted -> {
                    if (posted.now()) {
                        walletFeed.changed(userId);
                    }
                })
                .map(posted -> new Granted(userId, posted.entry()));
    }

    private Uni<LedgerEntryRef> original(SqlClient tx, UUID grantId) {
        return tx.preparedQuery("select kind, memo, created_at from journal_entry where cause_id = $1 and kind = 'GRANT'")
                .execute(Tuple.of(grantId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new LedgerEntryRef(grantId.toString(), row.getString("kind"), row.getString("memo"),
                            row.getOffsetDateTime("created_at").toInstant());
                });
    }
}
