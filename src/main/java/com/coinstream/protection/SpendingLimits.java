package com.coinstream.protection;

import static com.coinstream.api.Times.utc;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.coinstream.api.Amounts;
import com.coinstream.api.ErrorCode;
import com.coinstream.api.Refusal;
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.identity.Caller;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
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

    public SpendingLimits(Pool pool, Clock clock,
            @ConfigProperty(name = "coinstream.protection.limit-raise-cooldown") Duration cooldown,
            @ConfigProperty(name = "coinstream.protection.default-limit.day") Optional<Long> day,
            @ConfigProperty(name = "coinstream.protection.default-limit.week") Optional<Long> week,
            @ConfigProperty(name = "coinstream.protection.default-limit.month") Optional<Long> month) {
        this.pool = pool;
        this.clock = clock;
        this.cooldown = cooldown;
        this.defaults = Map.of("DAY", day, "WEEK", week, "MONTH", month);
    }

    public Long platformDefault(String period) {
        return defaults.get(period).orElse(null);
    }

    /** A limit as the viewer sees it: in force now, spent so far this period, and any pending change. */
    @org.eclipse.microprofile.graphql.Type("SpendingLimit")
    @org.eclipse.microprofile.graphql.Description("A spending cap in coins for a calendar period in your time zone. `coins` null means no cap.")
    public record Status(String period, Long coins, Instant effectiveAt, boolean platformDefault, Long pendingCoins,
            boolean pendingRemoval, Instant pendingEffectiveAt, long spent, Long remaining, Instant resetsAt) {
    }

    public Uni<Status> set(Caller viewer, String period, BigInteger requested) {
        if (!PERIODS.contains(period)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "period must be DAY, WEEK or MONTH", "input", "period");
        }
        Long coins = requested == null ? null
                : Amounts.within(requested, 0, MAX_CAP, ErrorCode.INVALID_AMOUNT, "coins", "input", "coins");
        Instant now = clock.instant();
        return status(viewer, period).flatMap(current -> {
            boolean lowering = coins != null && (current.coins() == null || coins <= current.coins());
            Instant effective = lowering ? now : now.plus(cooldown);
            // Under the owner lock: a gift batch in flight finishes with the old limit before this one is in force.
            return pool.withTransaction(tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, viewer.userId())
                    .flatMap(locked -> tx.preparedQuery("delete from spending_limit where user_id = $1 and period = $2 and effective_at > $3")
                            .execute(Tuple.of(viewer.userId(), period, utc(now))))
                    .flatMap(d -> tx.preparedQuery("insert into spending_limit (user_id, period, coins, effective_at, created_at) "
                            + "values ($1, $2, $3, $4, $5)").execute(Tuple.of(viewer.userId(), period, coins, utc(effective), utc(now)))))
                    .flatMap(v -> status(viewer, period));
        });
    }

    public Uni<List<Status>> all(Caller viewer) {
        return status(viewer, "DAY").flatMap(d -> status(viewer, "WEEK").flatMap(w -> status(viewer, "MONTH").map(m -> List.of(d, w, m))));
    }

    public Uni<Status> status(Caller viewer, String period) {
        Instant now = clock.instant();
        Periods periods = Periods.at(now, viewer.zone());
        return pool.preparedQuery("""
                select coins, effective_at, effective_at > $3 as pending from spending_limit
                where user_id = $1 and period = $2 order by effective_at desc, created_at desc
                """).execute(Tuple.of(viewer.userId(), period, utc(now)))
                .flatMap(rows -> spent(viewer.userId(), periods.start(period)).map(spent -> {
                    Row inForce = null;
                    Row pending = null;
                    for (Row r : rows) {
                        if (r.getBoolean("pending")) {
                            pending = pending == null ? r : pending;
                        } else if (inForce == null) {
                            inForce = r;
                        }
                    }
                    Long coins = inForce != null ? inForce.getLong("coins") : platformDefault(period);
                    Instant effectiveAt = inForce != null ? inForce.getOffsetDateTime("effective_at").toInstant() : null;
                    return new Status(period, coins, effectiveAt, inForce == null && coins != null,
                            pending == null ? null : pending.getLong("coins"), pending != null && pending.getLong("coins") == null,
                            pending == null ? null : pending.getOffsetDateTime("effective_at").toInstant(), spent,
                            coins == null ? null : Math.max(0, coins - spent), periods.resetsAt(period));
                }));
    }

    /**
     * Coins gifted since the period began. Days after today count too: they exist only when the viewer's time zone
     * moved west since, and a viewer must not escape a cap by changing zones.
     */
    private Uni<Long> spent(String userId, java.time.LocalDate from) {
        return pool.preparedQuery("select coalesce(sum(coins), 0) from spend_day where user_id = $1 and day >= $2")
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
