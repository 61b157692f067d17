package com.coinstream.protection;

import static com.coinstream.domain.Times.utc;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A simple signal for self-gifting rings: creators whose gifts (in the look-back window) come largely from
 * new accounts that gift nobody else. Organic audiences are old accounts, or gift several creators.
 */
@ApplicationScoped
public class ConcentrationSignal {
    private final Pool pool;
    private final Clock clock;
    private final Duration window;
    private final Duration newAccountAge;
    private final int minimumAccounts;
    private final int minimumSharePercent;

    public ConcentrationSignal(Pool pool, Clock clock, ProtectionConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.window = config.ring().window();
        this.newAccountAge = config.ring().newAccountAge();
        this.minimumAccounts = config.ring().minimumAccounts();
        this.minimumSharePercent = config.ring().minimumSharePercent();
    }

    @Type("SuspiciousCreator")
    @Description("A creator whose gifts come largely from new accounts that gift nobody else, with the evidence.")
    public record Suspicion(@NonNull String creatorId, @NonNull String displayName,
            @Description("New accounts (younger than the configured age) whose only gifts in the window went to this creator.") long exclusiveNewSenders,
            @Description("All accounts that gifted this creator in the window.") long totalSenders,
            @Description("Coins from the exclusive new accounts.") long coinsFromExclusiveNewSenders,
            @Description("All coins received in the window.") long totalCoins,
            @Description("Share of senders that are exclusive new accounts, in percent.") int sharePercent,
            @NonNull @Description("Up to 10 of those accounts.") List<@NonNull String> sampleSenders) {
    }

    public Uni<List<Suspicion>> suspiciousCreators(int limit) {
        var now = clock.instant();
        return pool.preparedQuery("""
                with recent as (
                    select sender_id, creator_id, coins from gift_event where created_at >= $1),
                senders as (
                    select sender_id, count(distinct creator_id) as creators, min(creator_id) as creator_id
                    from recent group by sender_id),
                exclusive_new as (
                    select s.sender_id, s.creator_id from senders s join app_user u on u.id = s.sender_id
                    where s.creators = 1 and u.created_at >= $2),
                per_creator as (
                    select r.creator_id, count(distinct r.sender_id) as total_senders, sum(r.coins) as total_coins,
                           count(distinct r.sender_id) filter (where e.sender_id is not null) as exclusive_senders,
                           coalesce(sum(r.coins) filter (where e.sender_id is not null), 0) as exclusive_coins,
                           (array_agg(distinct r.sender_id) filter (where e.sender_id is not null))[1:10] as sample
                    from recent r left join exclusive_new e on e.sender_id = r.sender_id and e.creator_id = r.creator_id
                    group by r.creator_id)
                select p.*, u.display_name from per_creator p join app_user u on u.id = p.creator_id
                where p.exclusive_senders >= $3 and p.exclusive_senders * 100 >= $4 * p.total_senders
                order by p.exclusive_senders desc, p.exclusive_coins desc limit $5
                """).execute(Tuple.of(utc(now.minus(window)), utc(now.minus(newAccountAge)), minimumAccounts, minimumSharePercent, limit))
                .map(rows -> {
                    List<Suspicion> found = new ArrayList<>();
                    for (Row r : rows) {
                        long total = r.getLong("total_senders");
                        long exclusive = r.getLong("exclusive_senders");
                        String[] sample = r.getArrayOfStrings("sample");
                        found.add(new Suspicion(r.getString("creator_id"), r.getString("display_name"), exclusive, total,
                                r.getLong("exclusive_coins"), r.getLong("total_coins"), (int) (exclusive * 100 / Math.max(1, total)),
                                sample == null ? List.of() : List.of(sample)));
                    }
                    return found;
                });
    }

}
