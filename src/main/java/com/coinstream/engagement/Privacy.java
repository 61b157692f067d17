package com.coinstream.engagement;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** A viewer's privacy choices: staying off leaderboards (top gifters, supporters, platform gifters). */
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

    public Uni<Boolean> setHiddenFromLeaderboards(String userId, boolean hidden) {
        return pool.preparedQuery("update app_user set hide_from_leaderboards = $2 where id = $1 returning hide_from_leaderboards")
                .execute(Tuple.of(userId, hidden)).map(rows -> rows.iterator().hasNext() && rows.iterator().next().getBoolean(0));
    }
}
