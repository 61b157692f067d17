package com.coinstream.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The audit compares the business records with the ledger: a record that disagrees with its entry is reported,
 * even though every entry still balances. Each case changes one record behind the service's back, audits, and
 * puts the record back.
 */
@QuarkusTest
class RecordsAuditTest {

    @AfterEach
    void clean() {
        LedgerChecks.assertClean();
    }

    @Test
    void aGiftWhoseSplitDisagreesWithItsEntryIsReported() {
        LiveCreator creator = Gifting.liveCreator("auditgift");
        Viewer fan = Gifting.fundedViewer("auditgiftfan", 100);
        UUID gift = UUID.fromString(Gifting.send(fan.token(), creator.stream(), Gifting.FINGER_HEART, 1, Flows.key()).getString("data.sendGift.receipt.id"));
        assertReported("update gift_event set diamonds = 3, commission = 2 where id = ?",
                "update gift_event set diamonds = 2, commission = 3 where id = ?", gift, "GIFT_ENTRY", "CREATOR_BALANCE");
    }

    /** A stream's counter row (earnings by stream read it, V58) that disagrees with the stream's gifts. */
    @Test
    void aStreamCounterThatDisagreesWithItsGiftsIsReported() {
        LiveCreator creator = Gifting.liveCreator("auditcounter");
        Viewer fan = Gifting.fundedViewer("auditcounterfan", 100);
        Gifting.send(fan.token(), creator.stream(), Gifting.FINGER_HEART, 1, Flows.key());
        String subject = "stream counter " + creator.stream();
        for (String column : List.of("last", "coins", "diamonds")) {
            Db.rows(Db.TEST_SCHEMA, "update stream_gift_seq set " + column + " = " + column + " + 1 where stream_id = ?::uuid", creator.stream());
            try {
                List<Map<String, Object>> mismatches = LedgerChecks.audit().getList("data.ledgerAudit.mismatches");
                assertTrue(mismatches.stream().anyMatch(m -> "ROLLUP".equals(m.get("kind")) && subject.equals(m.get("subject"))),
                        column + ": " + mismatches);
            } finally {
                Db.rows(Db.TEST_SCHEMA, "update stream_gift_seq set " + column + " = " + column + " - 1 where stream_id = ?::uuid", creator.stream());
            }
        }
        LedgerChecks.assertClean();
    }

    @Test
    void aPurchaseMarkedPendingAfterItsCoinsWereCreditedIsReported() {
        String token = Tokens.viewer(Tokens.unique("auditbuy"));
        UUID purchase = UUID.fromString(Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id"));
        assertReported("update purchase set status = 'PENDING' where id = ?", "update purchase set status = 'SUCCEEDED' where id = ?", purchase,
                "PURCHASE_ENTRY");
    }

    @Test
    void spendThatDisagreesWithTheDaysGiftsIsReported() {
        LiveCreator creator = Gifting.liveCreator("auditspend");
        Viewer fan = Gifting.fundedViewer("auditspendfan", 100);
        Gifting.send(fan.token(), creator.stream(), Gifting.FINGER_HEART, 1, Flows.key());
        String sender = fan.id();
        // the day's spend is counted on the wallet row (V43)
        String wallet = "account_id = (select id from ledger_account where owner_id = ? and purpose = 'WALLET' and asset = 'COIN') and slot = 0";
        assertReported("update account_balance set spent_coins = spent_coins - 1 where " + wallet,
                "update account_balance set spent_coins = spent_coins + 1 where " + wallet, sender, "SPEND_DAY");
    }

    @Test
    void aReversalThatClaimsMoreGiftsThanItReversedIsReported() {
        LiveCreator creator = Gifting.liveCreator("auditrev");
        String id = Tokens.unique("auditrevfan");
        String token = Tokens.viewer(id);
        String purchase = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        Gifting.send(token, creator.stream(), Gifting.FINGER_HEART, 1, Flows.key());
        Gql.ok(Tokens.admin(), "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { userErrors { code } } }",
                Gql.input("purchaseId", purchase, "kind", "REFUND", "idempotencyKey", Flows.key()));
        assertReported("update purchase_reversal set gifts_reversed = gifts_reversed + 1 where purchase_id = ?",
                "update purchase_reversal set gifts_reversed = gifts_reversed - 1 where purchase_id = ?", UUID.fromString(purchase),
                "REVERSAL_RECORD");
    }

    private static void assertReported(String tamper, String restore, Object subject, String... kinds) {
        Db.rows(Db.TEST_SCHEMA, tamper, subject);
        try {
            List<Map<String, Object>> mismatches = LedgerChecks.audit().getList("data.ledgerAudit.mismatches");
            for (String kind : kinds) {
                assertTrue(mismatches.stream().anyMatch(m -> kind.equals(m.get("kind"))), kind + " not reported: " + mismatches);
            }
            assertTrue(!LedgerChecks.audit().getBoolean("data.ledgerAudit.reconciled"));
            assertTrue(LedgerChecks.audit().getBoolean("data.ledgerAudit.balanced"), "the ledger itself is still balanced");
        } finally {
            Db.rows(Db.TEST_SCHEMA, restore, subject);
        }
    }
}
