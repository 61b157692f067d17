package com.coinstream.protection;

import static com.coinstream.domain.Times.utc;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;
import com.coinstream.identity.Caller;
import com.coinstream.identity.PublicProfile;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** What a viewer spent in the current calendar period (their time zone): money, coins bought, coins gifted. */
@ApplicationScoped
public class SpendingSummaries {
    private final Pool pool;
    private final SpendingLimits limits;
    private final Clock clock;

    public SpendingSummaries(Pool pool, SpendingLimits limits, Clock clock) {
        this.pool = pool;
        this.limits = limits;
        this.clock = clock;
    }

    @Type("SpendingSummary")
    public record Summary(@NonNull String period, @NonNull Instant from, @NonNull Instant until,
            @NonNull @Description("Real money paid for coins in the period (refunded purchases excluded), per currency.") List<@NonNull Money> moneySpent,
            long coinsBought, long coinsGifted, long giftsSent,
            @NonNull @Description("Coins gifted per creator, most first.") List<@NonNull CreatorSpend> perCreator,
            @NonNull @Description("The cap for this period and what remains of it.") SpendingLimits.Status limit) {
    }

    @Type("CreatorSpend")
    public record CreatorSpend(@NonNull PublicProfile creator, long coins, long gifts) {
    }

    public Uni<Summary> summary(Caller viewer, String period) {
        Periods periods = Periods.at(clock.instant(), viewer.zone());
        Instant from = periods.startInstant(period);
        Instant until = periods.resetsAt(period);
        return pool.preparedQuery("""
                select currency, sum(price_minor) as paid, sum(coins) as coins from purchase
                where user_id = $1 and status = 'SUCCEEDED' and created_at >= $2 and created_at < $3 group by currency order by currency
                """).execute(Tuple.of(viewer.userId(), utc(from), utc(until))).flatMap(purchases -> pool.preparedQuery("""
                select g.creator_id, u.display_name, sum(g.coins) as coins, count(*) as gifts
                from gift_event g join app_user u on u.id = g.creator_id
                where g.sender_id = $1 and g.created_at >= $2 and g.created_at < $3 and g.reversed_entry_id is null
                group by g.creator_id, u.display_name order by coins desc, g.creator_id
                """).execute(Tuple.of(viewer.userId(), utc(from), utc(until)))
                .flatMap(gifts -> limits.status(viewer, period).map(limit -> {
                    List<Money> money = new ArrayList<>();
                    long bought = 0;
                    for (Row r : purchases) {
                        money.add(Money.ofMinor(r.getLong("paid"), r.getString("currency")));
                        bought += r.getLong("coins");
                    }
                    List<CreatorSpend> perCreator = new ArrayList<>();
                    long gifted = 0;
                    long count = 0;
                    for (Row r : gifts) {
                        perCreator.add(new CreatorSpend(new PublicProfile(r.getString("creator_id"), r.getString("display_name")),
                                r.getLong("coins"), r.getLong("gifts")));
                        gifted += r.getLong("coins");
                        count += r.getLong("gifts");
                    }
                    return new Summary(period, from, until, money, bought, gifted, count, perCreator, limit);
                })));
    }

}
