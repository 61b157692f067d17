package com.coinstream.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
class LedgerInvariantsTest {
    @Inject
    Ledger ledger;
    @Inject
    Pool pool;

    @Test
    void postingsAndEntriesCannotBeEditedOrDeleted() {
        String user = Tokens.unique("immutable");
        Flows.fund(user, Tokens.viewer(user), 10);
        var update = assertThrows(Exception.class,
                () -> pool.query("update posting set amount = amount + 1").execute().await().indefinitely());
        assertTrue(update.getMessage().contains("append-only"), update.getMessage());
        assertThrows(Exception.class, () -> pool.query("delete from journal_entry").execute().await().indefinitely());
        LedgerChecks.assertClean();
    }

    @Test
    void anOverdraftingEntryWritesNothingAtAll() {
        String user = Tokens.unique("overdraft");
        Flows.fund(user, Tokens.viewer(user), 10);
        long entriesBefore = count("journal_entry");
        EntryDraft draft = EntryDraft.of(EntryKind.GRANT, UUID.randomUUID(), Instant.now())
                .move(AccountKey.platform(AccountPurpose.PROMOTIONS, Asset.COIN), AccountKey.wallet(user), 5)
                .move(AccountKey.wallet(user), AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN), 16);
        var ready = ledger.prepare(draft).await().indefinitely();
        assertThrows(Overdraft.class, () -> pool.withTransaction(tx -> ledger.post(tx, ready)).await().indefinitely());
        assertEquals(entriesBefore, count("journal_entry"));
        assertEquals(10, ledger.balance(AccountKey.wallet(user)).await().indefinitely());
        LedgerChecks.assertClean();
    }

    @Test
    void transfersMustMoveOneAssetBetweenTwoAccounts() {
        assertThrows(IllegalArgumentException.class, () -> EntryDraft.of(EntryKind.GRANT, null, Instant.now())
                .move(AccountKey.wallet("a"), AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, "USD"), 1));
        assertThrows(IllegalArgumentException.class, () -> EntryDraft.of(EntryKind.GRANT, null, Instant.now())
                .move(AccountKey.wallet("a"), AccountKey.wallet("a"), 1));
        assertThrows(IllegalArgumentException.class, () -> EntryDraft.of(EntryKind.GRANT, null, Instant.now())
                .move(AccountKey.wallet("a"), AccountKey.wallet("b"), 0));
    }

    private long count(String table) {
        return pool.query("select count(*) from " + table).execute().await().indefinitely().iterator().next().getLong(0);
    }
}
