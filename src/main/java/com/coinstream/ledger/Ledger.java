package com.coinstream.ledger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.db.SqlResources;


import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * The one money core. Every movement of coins, diamonds or cash is a journal entry written here:
 * append-only postings plus the stored balances they change, in the caller's transaction.
 * Balances cannot go below zero (a database CHECK), except on platform contra accounts.
 */
@ApplicationScoped
public class Ledger {
    static final String OVERDRAFT_CONSTRAINT = "balance_never_negative";
    private static final String POST_ENTRY = SqlResources.load(Ledger.class, "post-entry.sql");
    private static final String ENSURE_ROWS = SqlResources.load(Ledger.class, "ensure-balance-rows.sql");

    private final Accounts accounts;
    private final Pool pool;
    private final int hotSlots;

    public Ledger(Accounts accounts, Pool pool, LedgerConfig config) {
        this.accounts = accounts;
        this.pool = pool;
        this.hotSlots = config.hotSlots();
        // slots 0 to hotSlots - 1; the gift lanes' rows start at 1000
        if (hotSlots < 1 || hotSlots > 1000) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_LEDGER_HOT_SLOTS (" + hotSlots + ") must be 1-1000");
        }
    }

    public Accounts accounts() {
        return accounts;
    }

    public int hotSlots() {
        return hotSlots;
    }

    /**
     * Resolve (and create if needed) the accounts an entry touches, choose its slot rows, and make sure
     * those balance rows exist. Call before opening the transaction: inside it, every balance change is
     * then an UPDATE of an existing row, locked in (account, slot) order, so entries cannot deadlock.
     */
    public Uni<ReadyEntry> prepare(EntryDraft draft) {
        List<AccountKey> keys = new ArrayList<>();
        for (Transfer t : draft.transfers()) {
            keys.add(t.from());
            keys.add(t.to());
        }
        return accounts.ids(keys).map(ids -> ReadyEntry.of(draft, ids, ThreadLocalRandom.current().nextInt(hotSlots)))
                .call(this::ensureRows);
    }

    /**
     * For a transaction that builds its entry from rows it has just locked: settle the entry without touching
     * the database. The accounts must be resolved and the balance rows must exist already (see {@link #touch}).
     */
    public ReadyEntry prepared(EntryDraft draft, Map<AccountKey, Long> ids) {
        return ReadyEntry.of(draft, ids, ThreadLocalRandom.current().nextInt(hotSlots));
    }

    /** Make sure an account's balance row exists in a slot (outside any transaction). */
    public Uni<Void> touch(AccountKey key, int slot) {
        return accounts.id(key).flatMap(id -> ensureRows(new ReadyEntry(null, List.of(), List.of(), List.of(),
                        List.of(id), List.of((short) slot), List.of(0L), List.of(key.purpose().allowNegative()))));
    }

    private final Set<Long> knownRows = ConcurrentHashMap.newKeySet();

    private Uni<Void> ensureRows(ReadyEntry entry) {
        List<Long> accountsToCreate = new ArrayList<>();
        List<Short> slotsToCreate = new ArrayList<>();
        List<Boolean> negativeToCreate = new ArrayList<>();
        for (int i = 0; i < entry.balAccounts().size(); i++) {
            if (!knownRows.contains(rowKey(entry.balAccounts().get(i), entry.balSlots().get(i)))) {
                accountsToCreate.add(entry.balAccounts().get(i));
                slotsToCreate.add(entry.balSlots().get(i));
                negativeToCreate.add(entry.balAllowNegative().get(i));
            }
        }
        if (accountsToCreate.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(ENSURE_ROWS).execute(Tuple.of(accountsToCreate.toArray(Long[]::new), slotsToCreate.toArray(Short[]::new),
                negativeToCreate.toArray(Boolean[]::new)))
                .invoke(() -> {
                    if (knownRows.size() > 2_000_000) {
                        knownRows.clear();
                    }
                    for (int i = 0; i < accountsToCreate.size(); i++) {
                        knownRows.add(rowKey(accountsToCreate.get(i), slotsToCreate.get(i)));
                    }
                }).replaceWithVoid();
    }

    private static long rowKey(long accountId, short slot) {
        return accountId * 65_536 + slot;
    }

    /** Write a prepared entry inside the caller's transaction. Fails with {@link Overdraft} if a balance would go negative. */
    public Uni<Long> post(SqlClient tx, ReadyEntry entry) {
        EntryDraft d = entry.draft();
        Tuple args = Tuple.tuple()
                .addString(d.kind().name()).addUUID(d.causeId()).addInteger(d.rateVersion()).addString(d.memo())
                .addOffsetDateTime(OffsetDateTime.ofInstant(d.at(), ZoneOffset.UTC))
                .addArrayOfLong(entry.postingAccounts().toArray(Long[]::new))
                .addArrayOfShort(entry.postingSlots().toArray(Short[]::new))
                .addArrayOfLong(entry.postingAmounts().toArray(Long[]::new))
                .addArrayOfLong(entry.balAccounts().toArray(Long[]::new))
                .addArrayOfShort(entry.balSlots().toArray(Short[]::new))
                .addArrayOfLong(entry.balDeltas().toArray(Long[]::new))
                .addArrayOfBoolean(entry.balAllowNegative().toArray(Boolean[]::new));
        return tx.preparedQuery(POST_ENTRY)
                .execute(args)
                .map(rows -> rows.iterator().next().getLong(0))
                .onFailure(Ledger::isOverdraft).transform(e -> new Overdraft(((PgException) e).getDetail()));
    }

    public static boolean isOverdraft(Throwable e) {
        return e instanceof PgException pg && "23514".equals(pg.getSqlState())
                && OVERDRAFT_CONSTRAINT.equals(pg.getConstraint());
    }

    /** Current balance of an account (sum of its slots); zero if it was never written. */
    public Uni<Long> balance(SqlClient client, AccountKey key) {
        Long id = accounts.cachedId(key);
        Uni<Long> resolved = id != null ? Uni.createFrom().item(id) : Accounts.lookup(client, key);
        return resolved.flatMap(accountId -> accountId == null ? Uni.createFrom().item(0L)
                : client.preparedQuery("select coalesce(sum(balance), 0) from account_balance where account_id = $1")
                        .execute(Tuple.of(accountId)).map(rows -> rows.iterator().next().getLong(0)));
    }

    public Uni<Long> balance(AccountKey key) {
        return balance(pool, key);
    }

    /** Balances of all of one owner's accounts that exist. */
    public Uni<Map<AccountKey, Long>> balancesOf(String ownerId) {
        return pool.preparedQuery("""
                select a.purpose, a.asset, coalesce(sum(b.balance), 0) as balance
                from ledger_account a left join account_balance b on b.account_id = a.id
                where a.owner_id = $1 group by a.purpose, a.asset
                """).execute(Tuple.of(ownerId)).map(rows -> {
            Map<AccountKey, Long> result = new HashMap<>();
            for (Row row : rows) {
                result.put(AccountKey.user(ownerId, AccountPurpose.valueOf(row.getString("purpose")), row.getString("asset")),
                        row.getLong("balance"));
            }
            return result;
        });
    }

    /** Balances of one purpose for many owners, in one statement. */
    public Uni<Map<AccountKey, Long>> balancesOf(List<String> ownerIds, AccountPurpose purpose) {
        return pool.preparedQuery("""
                select a.owner_id, a.asset, coalesce(sum(b.balance), 0) as balance
                from ledger_account a left join account_balance b on b.account_id = a.id
                where a.owner_id = any($1) and a.purpose = $2 group by a.owner_id, a.asset
                """).execute(Tuple.of(ownerIds.toArray(String[]::new), purpose.name())).map(rows -> {
            Map<AccountKey, Long> result = new HashMap<>();
            for (Row row : rows) {
                result.put(AccountKey.user(row.getString("owner_id"), purpose, row.getString("asset")), row.getLong("balance"));
            }
            return result;
        });
    }

    /** An entry whose accounts, slot rows, postings and net balance changes are settled. */
    public record ReadyEntry(EntryDraft draft, List<Long> postingAccounts, List<Short> postingSlots, List<Long> postingAmounts,
            List<Long> balAccounts, List<Short> balSlots, List<Long> balDeltas, List<Boolean> balAllowNegative) {

        static ReadyEntry of(EntryDraft draft, Map<AccountKey, Long> ids, int hotSlot) {
            Map<Long, Map<Integer, Long>> net = new TreeMap<>();
            Map<Long, Boolean> allowNegative = new TreeMap<>();
            List<Long> accounts = new ArrayList<>();
            List<Short> slots = new ArrayList<>();
            List<Long> amounts = new ArrayList<>();
            for (Transfer t : draft.transfers()) {
                add(ids, t.from(), -t.amount(), t.fromSlot() != null ? t.fromSlot() : hotSlot, net, allowNegative, accounts, slots, amounts);
                add(ids, t.to(), t.amount(), t.toSlot() != null ? t.toSlot() : hotSlot, net, allowNegative, accounts, slots, amounts);
            }
            List<Long> balAccounts = new ArrayList<>();
            List<Short> balSlots = new ArrayList<>();
            List<Long> balDeltas = new ArrayList<>();
            List<Boolean> balNegative = new ArrayList<>();
            net.forEach((account, bySlot) -> bySlot.forEach((s, delta) -> {
                if (delta != 0) {
                    balAccounts.add(account);
                    balSlots.add(s.shortValue());
                    balDeltas.add(delta);
                    balNegative.add(allowNegative.get(account));
                }
            }));
            return new ReadyEntry(draft, accounts, slots, amounts, balAccounts, balSlots, balDeltas, balNegative);
        }

        private static void add(Map<AccountKey, Long> ids, AccountKey key, long amount, int hotSlot, Map<Long, Map<Integer, Long>> net,
                Map<Long, Boolean> allowNegative, List<Long> accountsOut, List<Short> slotsOut, List<Long> amountsOut) {
            Long id = ids.get(key);
            if (id == null) {
                throw new IllegalStateException("account not prepared: " + key);
            }
            int slot = key.purpose().hot() ? hotSlot : 0;
            accountsOut.add(id);
            slotsOut.add((short) slot);
            amountsOut.add(amount);
            net.computeIfAbsent(id, k -> new TreeMap<>()).merge(slot, amount, Long::sum);
            allowNegative.put(id, key.purpose().allowNegative());
        }
    }
}
