package com.coinstream.protection;

import static com.coinstream.domain.Times.utc;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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

/**
 * What a viewer spent per calendar period (their time zone): money, coins bought, coins gifted. The current period
 * (summary) and the ones before it (history) are read by the same two queries, so they can never disagree.
 */
@ApplicationScoped
public class SpendingSummaries {
    /** The most periods one history answers for: a year of weeks. */
    public static final int MAX_PERIODS = 53;
    private static final String PAID = """
            select w.n, p.currency, sum(p.price_minor) as paid, sum(p.coins) as coins
            from unnest($2::timestamptz[], $3::timestamptz[]) with ordinality as w(from_at, until_at, n)
            join purchase p on p.user_id = $1 and p.status = 'SUCCEEDED' and p.created_at >= w.from_at and p.created_at < w.until_at
            group by w.n, p.currency order by w.n, p.currency
            """;
    private static final String GIFTED = """
            select w.n, g.creator_id, u.display_name, u.erased_at is not null as erased, sum(g.coins) as coins, count(*) as gifts
            from unnest($2::timestamptz[], $3::timestamptz[]) with ordinality as w(from_at, until_at, n)
            join gift_event g on g.sender_id = $1 and g.created_at >= w.from_at and g.created_at < w.until_at and g.reversed_entry_id is null
            join app_user u on u.id = g.creator_id
            group by w.n, g.creator_id, u.id, u.display_name, u.erased_at order by w.n, coins desc, %s
            """.formatted(com.coinstream.identity.SupporterBoard.TIE);
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

    @Type("SpendingPeriod")
    @Description("What you spent in one calendar period in your time zone: the figures of spendingSummary, without the cap.")
    public record Spent(@NonNull String period, @NonNull Instant from, @NonNull Instant until,
            @NonNull @Description("Real money paid for coins in the period (refunded purchases excluded), per currency.") List<@NonNull Money> moneySpent,
            long coinsBought, long coinsGifted, long giftsSent,
            @NonNull @Description("Coins gifted per creator, most first.") List<@NonNull CreatorSpend> perCreator) {
    }

    /** A period as the instants [from, until). */
    private record Window(Instant from, Instant until) {
        static Window of(Periods periods, String period, int back) {
            return new Window(periods.startInstant(period, back), periods.startInstant(period, back - 1));
        }
    }

    /** One window's figures while its rows are read. */
    private static final class Tally {
        final List<Money> money = new ArrayList<>();
        final List<CreatorSpend> perCreator = new ArrayList<>();
        long bought;
        long gifted;
        long gifts;
    }

    public Uni<Summary> summary(Caller viewer, String period) {
        Window current = Window.of(Periods.at(clock.instant(), viewer.zone()), period, 0);
        return spentIn(viewer.userId(), period, List.of(current)).flatMap(spent -> limits.status(viewer, period).map(limit -> {
            Spent s = spent.get(0);
            return new Summary(period, s.from(), s.until(), s.moneySpent(), s.coinsBought(), s.coinsGifted(), s.giftsSent(), s.perCreator(), limit);
        }));
    }

    /** The current period and the {@code count - 1} before it, newest first, each with the figures {@link #summary} gives. */
    public Uni<List<Spent>> history(Caller viewer, String period, int count) {
        if (count < 1 || count > MAX_PERIODS) {
            throw new IllegalArgumentException("count " + count + " outside 1-" + MAX_PERIODS + ": the input gate keeps it in range");
        }
        Periods periods = Periods.at(clock.instant(), viewer.zone());
        List<Window> windows = new ArrayList<>();
        for (int back = 0; back < count; back++) {
            windows.add(Window.of(periods, period, back));
        }
        return spentIn(viewer.userId(), period, windows);
    }

    /** What the viewer spent in each window, in the windows' order: the one home of the spending figures. */
    private Uni<List<Spent>> spentIn(String userId, String period, List<Window> windows) {
        return pool.preparedQuery(PAID).execute(bounds(userId, windows))
                .flatMap(purchases -> pool.preparedQuery(GIFTED).execute(bounds(userId, windows)).map(gifts -> {
                    List<Tally> tallies = Stream.generate(Tally::new).limit(windows.size()).toList();
                    for (Row r : purchases) {
                        Tally t = tallies.get((int) (r.getLong("n") - 1));
                        t.money.add(Money.ofMinor(r.getLong("paid"), r.getString("currency")));
                        t.bought += r.getLong("coins");
                    }
                    for (Row r : gifts) {
                        Tally t = tallies.get((int) (r.getLong("n") - 1));
                        t.perCreator.add(new CreatorSpend(PublicProfile.of(r.getString("creator_id"), r.getString("display_name"), r.getBoolean("erased")),
                                r.getLong("coins"), r.getLong("gifts")));
                        t.gifted += r.getLong("coins");
                        t.gifts += r.getLong("gifts");
                    }
                    List<Spent> spent = new ArrayList<>();
                    for (int i = 0; i < windows.size(); i++) {
                        Tally t = tallies.get(i);
                        spent.add(new Spent(period, windows.get(i).from(), windows.get(i).until(), t.money, t.bought, t.gifted, t.gifts, t.perCreator));
                    }
                    return spent;
                }));
    }

    private static Tuple bounds(String userId, List<Window> windows) {
        return Tuple.of(userId, windows.stream().map(w -> utc(w.from())).toArray(OffsetDateTime[]::new),
                windows.stream().map(w -> utc(w.until())).toArray(OffsetDateTime[]::new));
    }
}
