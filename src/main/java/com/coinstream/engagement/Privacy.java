package com.coinstream.engagement;

import jakarta.enterprise.context.ApplicationScoped;


import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A viewer's privacy choices: staying off leaderboards (top gifters, supporters, platform gifters), and whether their
 * gifts are anonymous unless a gift says otherwise (sendGift without `anonymous`: the gift batch reads the setting from
 * the sender's row, under the owner lock, when it makes the gift; so a change holds from the next gift on, on every instance).
 */
@ApplicationScoped
public class Privacy {
    private final Pool pool;
    public Privacy(Pool pool) {
        this.pool = pool;
    }

    public Uni<Boolean> hiddenFromLeaderboards(String userId) {
        return pool.preparedQuery("select hide_from_leaderboards from app_user where id = $1").execute(Tuple.of(userId))
                .map(rows -> rows.iterator().hasNext() && rows.iterator().next().getBoolean(0));
    }

    public Uni<Boolean> anonymousByDefault(String userId) {
        return pool.preparedQuery("select anonymous_by_default from app_user where id = $1").execute(Tuple.of(userId))
                .map(rows -> rows.iterator().hasNext() && rows.iterator().next().getBoolean(0));
    }

    public record Choices(boolean hideFromLeaderboards, boolean anonymousByDefault) {
    }

    /** Change the choices given (null: leave as it is), in one statement; returns them all as they now are. */
    public Uni<Choices> set(String userId, Boolean hideFromLeaderboards, Boolean anonymousByDefault) {
        return pool.preparedQuery("""
                update app_user set hide_from_leaderboards = coalesce($2, hide_from_leaderboards),
                                    anonymous_by_default = coalesce($3, anonymous_by_default)
                where id = $1 returning hide_from_leaderboards, anonymous_by_default
                """).execute(Tuple.of(userId, hideFromLeaderboards, anonymousByDefault)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                return new Choices(false, false);
            }
            var row = rows.iterator().next();
            return new Choices(row.getBoolean("hide_from_leaderboards"), row.getBoolean("anonymous_by_default"));
        });
    }
}
