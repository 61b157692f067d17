package com.coinstream.ledger;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Ids;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Resolves account keys to ids, creating accounts on first use. Account rows never change once
 * created, so ids are cached. Creation commits on its own (never inside a money transaction), so a
 * rolled-back transaction cannot leave a cached id that points at nothing.
 */
@ApplicationScoped
public class Accounts {
    private static final int CACHE_LIMIT = 1_000_000;
    private final Map<AccountKey, Long> ids = new ConcurrentHashMap<>();
    private final Pool pool;
    private final Clock clock;

    public Accounts(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    public Long cachedId(AccountKey key) {
        return ids.get(key);
    }

    public Uni<Long> id(AccountKey key) {
        Long cached = ids.get(key);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        // Look first (read-only, no commit flush); create only the first time.
        return find(key).onItem().ifNull().switchTo(() -> create(key)).onItem().ifNull().switchTo(() -> create(key))
                .onItem().ifNull().failWith(() -> new IllegalStateException("could not resolve account " + key))
                .invoke(id -> remember(key, id));
    }

    public Uni<Map<AccountKey, Long>> ids(Collection<AccountKey> wanted) {
        var unique = new LinkedHashSet<>(wanted);
        return Multi.createFrom().iterable(unique).onItem().transformToUniAndConcatenate(k -> id(k).map(id -> Map.entry(k, id)))
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue).map(HashMap::new);
    }

    /** Existing accounts of one owner, without creating any. */
    public Uni<Map<AccountKey, Long>> existing(String ownerId) {
        return pool.preparedQuery("select id, purpose, asset from ledger_account where owner_id = $1")
                .execute(Tuple.of(ownerId))
                .map(rows -> {
                    Map<AccountKey, Long> found = new HashMap<>();
                    for (Row row : rows) {
                        AccountKey key = AccountKey.user(ownerId, AccountPurpose.valueOf(row.getString("purpose")),
                                row.getString("asset"));
                        found.put(key, row.getLong("id"));
                        remember(key, row.getLong("id"));
                    }
                    return found;
                });
    }

    /**
     * Ids of accounts that must exist already, looked up on {@code client} (inside a transaction, without
     * taking a second connection from the pool). Fails if one does not exist.
     */
    public Uni<Map<AccountKey, Long>> existing(SqlClient client, Collection<AccountKey> wanted) {
        Map<AccountKey, Long> found = new HashMap<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (AccountKey key : new LinkedHashSet<>(wanted)) {
            Long cached = ids.get(key);
            if (cached != null) {
                found.put(key, cached);
                continue;
            }
            chain = chain.flatMap(v -> lookup(client, key).map(id -> {
                        if (id == null) {
                            throw new IllegalStateException("account does not exist: " + key);
                        }
                        remember(key, id);
                        found.put(key, id);
                        return null;
                    }));
        }
        return chain.map(v -> found);
    }

    private Uni<Long> find(AccountKey key) {
        return lookup(pool, key);
    }

    /** The id of an account, or null if it does not exist, looked up on {@code client}. */
    static Uni<Long> lookup(SqlClient client, AccountKey key) {
        return client.preparedQuery(key.ownerId() == null
                ? "select id from ledger_account where owner_id is null and purpose = $2 and asset = $3 and $1::text is null"
                : "select id from ledger_account where owner_id = $1 and purpose = $2 and asset = $3")
                .execute(Tuple.of(key.ownerId(), key.purpose().name(), key.asset())).map(Accounts::firstId);
    }

    private Uni<Long> create(AccountKey key) {
        // Insert-or-find in one statement; under a race the select half may not see the winner's
        // row yet (statement snapshot), so the caller retries once.
        return pool.preparedQuery("""
                with created as (
                    insert into ledger_account (owner_id, purpose, asset, allow_negative, created_at)
                    values ($1, $2, $3, $4, $5)
                    on conflict on constraint ledger_account_identity do nothing
                    returning id)
                select id from created
                union all
                select id from ledger_account where (owner_id = $1 or (owner_id is null and $1::text is null))
                    and purpose = $2 and asset = $3
                limit 1
                """)
                .execute(Tuple.of(key.ownerId(), key.purpose().name(), key.asset(), key.purpose().allowNegative(),
                        OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC)))
                .map(Accounts::firstId);
    }

    private static Long firstId(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? it.next().getLong(0) : null;
    }

    private void remember(AccountKey key, Long id) {
        if (ids.size() > CACHE_LIMIT) {
            ids.clear();
        }
        ids.put(key, id);
    }
}
