package com.coinstream.protection;

import static com.coinstream.domain.Times.utc;

import org.eclipse.microprofile.graphql.Type;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.db.AdvisoryLocks;
import com.coinstream.domain.Amounts;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.StableIds;
import com.coinstream.identity.Caller;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Viewers' own spending caps per DAY, WEEK and MONTH. Lowering a cap takes effect at once; raising or
 * removing one takes effect after the cool-down, and a newer change replaces a pending one.
 */
@ApplicationScoped
public class SpendingLimits {
    public static final List<String> PERIODS = List.of("DAY", "WEEK", "MONTH");
    static final long MAX_CAP = 1_000_000_000_000L;
    private final Pool pool;
    private final Clock clock;
    private final Duration cooldown;
    private final Map<String, Optional<Long>> defaults;

    public SpendingLimits(Pool pool, Clock clock, ProtectionConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.cooldown = config.limitRaiseCooldown();
        this.defaults = Map.of("DAY", config.defaultLimit().day(), "WEEK", config.defaultLimit().week(), "MONTH",
                config.defaultLimit().month());
    }

    public Long platformDefault(String period) {
        return defaults.get(period).orElse(null);
    }

    /** A limit as the viewer sees it: in force now, spent so far this period, and any pending change. */
    @Type("SpendingLimit")
    @Description("A spending cap in coins for a calendar period in your time zone. `coins` null means no cap.")
    public record Status(@Ignore String userId, String period, Long coins, Instant effectiveAt, boolean platformDefault, Long pendingCoins,
            boolean pendingRemoval, Instant pendingEffectiveAt, long spent, Long remaining, Instant resetsAt) {

        /** Stable per viewer and period, for clients' normalized caches. */
        @Id
        @NonNull
        public String getId() {
            return StableIds.of("limit", userId, period);
        }
    }

    public Uni<Status> set(Caller viewer, String period, BigInteger requested) {
        if (!PERIODS.contains(period)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "period must be DAY, WEEK or MONTH", "input", "period");
        }
        Long coins = requested == null ? null
                : Amounts.within(requested, 0, MAX_CAP, ErrorCode.INVALID_AMOUNT, "coins", "input", "coins");
        // Under the owner lock: a gift batch in flight finishes with the old limit before this one is in force, and
        // changes of the same viewer, on any instance, are judged one after another against what the last one left.
        return pool.withTransaction(tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, viewer.userId())
                .flatMap(locked -> replace(tx, viewer.userId(), period, coins))
                // (read in the change's transaction: a read after its commit could fail and answer an error for a change made)
                .flatMap(v -> status(tx, viewer, period)));
    }

    /**
     * Lowering or raise, judged against the limit in force (the one rule, spending_limit_in_force) at one clock reading
     * taken under the lock, which also dates the pending changes it replaces and the new row: a decision made on an
     * earlier read, or an earlier time, could undo a lowering that committed in between.
     */
    private Uni<Void> replace(SqlConnection tx, String userId, String period, Long coins) {
        // (the reading is never earlier than the newest change of this limit: an instance whose clock runs behind the one
        // that made a lowering a moment ago would otherwise judge against the limit before it, and delete the lowering as
        // a change still pending)
        return tx.preparedQuery("select greatest($3::timestamptz, max(created_at)) from spending_limit where user_id = $1 and period = $2")
                .execute(Tuple.of(userId, period, utc(clock.instant())))
                .map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant())
                .flatMap(now -> replace(tx, userId, period, coins, now));
    }

    private Uni<Void> replace(SqlConnection tx, String userId, String period, Long coins, Instant now) {
        return tx.preparedQuery("select coins from spending_limit_in_force($1, $2, $3, $4)")
                .execute(Tuple.of(userId, period, utc(now), platformDefault(period)))
                .flatMap(rows -> {
                    Long current = rows.iterator().next().getLong("coins");
                    boolean lowering = coins != null && (current == null || coins <= current);
                    Instant effective = lowering ? now : now.plus(cooldown);
                    return tx.preparedQuery("delete from spending_limit where user_id = $1 and period = $2 and effective_at > $3")
                            .execute(Tuple.of(userId, period, utc(now)))
                            .flatMap(d -> tx.preparedQuery("insert into spending_limit (user_id, period, coins, effective_at, created_at) "
                                    + "values ($1, $2, $3, $4, $5)").execute(Tuple.of(userId, period, coins, utc(effective), utc(now))));
                })
                .replaceWithVoid();
    }

    public Uni<List<Status>> all(Caller viewer) {
        return status(viewer, "DAY").flatMap(d -> status(viewer, "WEEK").flatMap(w -> status(viewer, "MONTH").map(m -> List.of(d, w, m))));
    }

    public Uni<Status> status(Caller viewer, String period) {
        return status(pool, viewer, period);
    }

    private Uni<Status> status(io.vertx.mutiny.sqlclient.SqlClient client, Caller viewer, String period) {
        Instant now = clock.instant();
        Periods periods = Periods.at(now, viewer.zone());
        // In force: the one rule the gift batch applies too (spending_limit_in_force). Pending: the change waiting out its cool-down.
        return client.preparedQuery("""
                select f.coins, f.own, f.effective_at, p.coins as pending_coins, p.effective_at as pending_at, p.present as pending
                from spending_limit_in_force($1, $2, $3, $4) f
                left join lateral (select true as present, l.coins, l.effective_at from spending_limit l
                                   where l.user_id = $1 and l.period = $2 and l.effective_at > $3
                                   order by l.effective_at desc, l.created_at desc limit 1) p on true
                """).execute(Tuple.of(viewer.userId(), period, utc(now), platformDefault(period)))
                .flatMap(rows -> spent(client, viewer.userId(), periods.start(period)).map(spent -> {
                    Row r = rows.iterator().next();
                    Long coins = r.getLong("coins");
                    boolean pending = Boolean.TRUE.equals(r.getBoolean("pending"));
                    OffsetDateTime effectiveAt = r.getOffsetDateTime("effective_at");
                    OffsetDateTime pendingAt = r.getOffsetDateTime("pending_at");
                    return new Status(viewer.userId(), period, coins, effectiveAt == null ? null : effectiveAt.toInstant(), !r.getBoolean("own") && coins != null,
                            pending ? r.getLong("pending_coins") : null, pending && r.getLong("pending_coins") == null,
                            pendingAt == null ? null : pendingAt.toInstant(), spent, coins == null ? null : Math.max(0, coins - spent),
                            periods.resetsAt(period));
                }));
    }

    /**
     * Coins gifted since the period began, by the one rule the gift batch's caps read too (spent_since, V43: spend_day's
     * days and the wallet row's). Days after today count too: they exist only when the viewer's time zone moved west
     * since, and a viewer must not escape a cap by changing zones.
     */
    private Uni<Long> spent(io.vertx.mutiny.sqlclient.SqlClient client, String userId, LocalDate from) {
        return client.preparedQuery("select coins from spent_since($1, (select a.id from ledger_account a where a.owner_id = $1 and a.purpose = 'WALLET' "
                + "and a.asset = 'COIN'), $2)")
                .execute(Tuple.of(userId, from)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** The first limit that blocks a gift of {@code coins} now (for the refusal's explanation). */
    public Uni<Optional<Status>> blocking(Caller viewer, long coins) {
        return all(viewer).map(list -> {
            List<Status> blocking = new ArrayList<>();
            for (Status s : list) {
                if (s.coins() != null && s.spent() + coins > s.coins()) {
                    blocking.add(s);
                }
            }
            return blocking.stream().findFirst();
        });
    }

}
