package com.coinstream.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Entries are built from transfers, so they balance per asset by construction; settling nets them per balance row. */
@Tag("fast")
class EntryDraftTest {
    static final AccountKey WALLET = AccountKey.wallet("alice");
    static final AccountKey ISSUANCE = AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN);
    static final AccountKey FUNDING = AccountKey.user("alice", AccountPurpose.FUNDING, Asset.cash("USD"));
    static final AccountKey CLEARING = AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, Asset.cash("USD"));
    static final AccountKey PENDING = AccountKey.user("carol", AccountPurpose.DIAMONDS_PENDING, Asset.DIAMOND);
    static final AccountKey DIAMONDS = AccountKey.platform(AccountPurpose.DIAMOND_ISSUANCE, Asset.DIAMOND);

    static Map<AccountKey, Long> ids() {
        Map<AccountKey, Long> ids = new HashMap<>();
        long id = 1;
        for (AccountKey k : List.of(ISSUANCE, CLEARING, DIAMONDS, WALLET, FUNDING, PENDING)) {
            ids.put(k, id++);
        }
        return ids;
    }

    @Test
    void everyEntryBalancesPerAsset() {
        EntryDraft purchase = EntryDraft.of(EntryKind.PURCHASE, UUID.randomUUID(), Instant.EPOCH).move(ISSUANCE, WALLET, 350).move(CLEARING, FUNDING, 499);
        Ledger.ReadyEntry ready = Ledger.ReadyEntry.of(purchase, ids(), 3);
        Map<String, Long> perAsset = new HashMap<>();
        Map<Long, AccountKey> byId = new HashMap<>();
        ids().forEach((k, id) -> byId.put(id, k));
        for (int i = 0; i < ready.postingAccounts().size(); i++) {
            perAsset.merge(byId.get(ready.postingAccounts().get(i)).asset(), ready.postingAmounts().get(i), Long::sum);
        }
        assertEquals(Map.of("COIN", 0L, "USD", 0L), perAsset);
        assertEquals(4, ready.postingAccounts().size());
    }

    @Test
    void hotAccountsUseTheChosenSlotAndOthersSlotZero() {
        Ledger.ReadyEntry ready = Ledger.ReadyEntry.of(EntryDraft.of(EntryKind.GRANT, null, Instant.EPOCH).move(ISSUANCE, WALLET, 5), ids(), 7);
        // COIN_ISSUANCE is split over slot rows; a wallet has one row.
        assertEquals(List.of((short) 7, (short) 0), ready.postingSlots());
    }

    @Test
    void balanceChangesAreNettedPerRowAndInAccountOrder() {
        EntryDraft reversal = EntryDraft.of(EntryKind.REVERSAL, UUID.randomUUID(), Instant.EPOCH)
                .move(ISSUANCE, WALLET, 100).move(WALLET, ISSUANCE, 350)
                .moveFromSlot(PENDING, 1001, DIAMONDS, 50);
        Ledger.ReadyEntry ready = Ledger.ReadyEntry.of(reversal, ids(), 2);
        assertEquals(List.of(1L, 3L, 4L, 6L), ready.balAccounts());
        assertEquals(List.of(250L, 50L, -250L, -50L), ready.balDeltas());
        assertEquals(List.of((short) 2, (short) 2, (short) 0, (short) 1001), ready.balSlots());
        assertEquals(List.of(true, true, false, false), ready.balAllowNegative());
    }

    @Test
    void aTransferMovesAPositiveAmountOfOneAssetBetweenTwoAccounts() {
        assertThrows(IllegalArgumentException.class, () -> new Transfer(ISSUANCE, WALLET, 0));
        assertThrows(IllegalArgumentException.class, () -> new Transfer(ISSUANCE, WALLET, -5));
        assertThrows(IllegalArgumentException.class, () -> new Transfer(WALLET, WALLET, 5));
        assertThrows(IllegalArgumentException.class, () -> new Transfer(WALLET, FUNDING, 5));
    }

    @Test
    void anEntryNeedsItsAccountsResolved() {
        EntryDraft draft = EntryDraft.of(EntryKind.GRANT, null, Instant.EPOCH).move(ISSUANCE, AccountKey.wallet("bob"), 5);
        assertThrows(IllegalStateException.class, () -> Ledger.ReadyEntry.of(draft, ids(), 0));
    }
}
