package com.coinstream.gifting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.Ledger;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SendGiftTest {
    @Inject
    Ledger ledger;

    @AfterEach
    void ledgerStaysBalanced() {
        LedgerChecks.assertClean();
    }

    long pendingDiamonds(String creatorId) {
        return ledger.balance(AccountKey.user(creatorId, AccountPurpose.DIAMONDS_PENDING, Asset.DIAMOND)).await().indefinitely();
    }

    @Test
    void aGiftMovesCoinsToTheCreatorAndCommissionInOneEntry() {
        LiveCreator creator = Gifting.liveCreator("carol");
        Viewer viewer = Gifting.fundedViewer("alice", 1000);
        var r = Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 3, Flows.key());
        assertEquals(List.of(), r.getList("data.sendGift.userErrors"));
        assertEquals(60, r.getLong("data.sendGift.receipt.coins"));
        assertEquals(20, r.getLong("data.sendGift.receipt.unitCoins"));
        assertEquals(30, r.getLong("data.sendGift.receipt.creatorDiamonds"));
        assertEquals(30, r.getLong("data.sendGift.receipt.platformCommission"));
        assertEquals(1, r.getInt("data.sendGift.receipt.rateVersion"));
        assertEquals("Perfume", r.getString("data.sendGift.receipt.gift.name"));
        assertEquals(940, r.getLong("data.sendGift.wallet.coins"));
        assertEquals(940, Flows.coins(viewer.token()));
        assertEquals(30, pendingDiamonds(creator.id()));
    }

    @Test
    void oddCoinsRoundTheCreatorDownAndTheRemainderIsRecordedAsCommission() {
        LiveCreator creator = Gifting.liveCreator("round");
        Viewer viewer = Gifting.fundedViewer("rose", 10);
        var r = Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
        assertEquals(0, r.getLong("data.sendGift.receipt.creatorDiamonds"));
        assertEquals(1, r.getLong("data.sendGift.receipt.platformCommission"));
        var combo = Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 3, Flows.key());
        assertEquals(1, combo.getLong("data.sendGift.receipt.creatorDiamonds"));
        assertEquals(2, combo.getLong("data.sendGift.receipt.platformCommission"));
        assertEquals(1, pendingDiamonds(creator.id()));
    }

    @Test
    void receiptValueUsesWhatTheViewerPaid() {
        LiveCreator creator = Gifting.liveCreator("val");
        String viewer = Tokens.unique("payer");
        String token = Tokens.viewer(viewer);
        Flows.buyPackage(token, Flows.PKG_350, "pm_card_ok", Flows.key()); // 350 coins for 4.99
        var r = Gifting.send(token, creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key());
        // 100 coins x 499/350 = 142.57 cents -> 1.43
        assertEquals(Map.of("amount", "1.43", "currency", "USD"), r.get("data.sendGift.receipt.value"));
        // a viewer who never paid: the region's base price, 100 x 99/70 = 141.43 -> 1.41
        Viewer granted = Gifting.fundedViewer("free", 200);
        assertEquals("1.41", Gifting.send(granted.token(), creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key())
                .getString("data.sendGift.receipt.value.amount"));
    }

    @Test
    void sameKeyReplaysTheOriginalReceiptAndDifferentInputIsRefused() {
        LiveCreator creator = Gifting.liveCreator("idem");
        Viewer viewer = Gifting.fundedViewer("idem", 100);
        String key = Flows.key();
        var first = Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 1, key);
        var again = Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 1, key);
        assertEquals(first.getString("data.sendGift.receipt.id"), again.getString("data.sendGift.receipt.id"));
        assertEquals(first.getString("data.sendGift.receipt.createdAt"), again.getString("data.sendGift.receipt.createdAt"));
        // the ids spelled in capitals name the same stream and gift: the same request, replayed
        var shouted = Gifting.send(viewer.token(), creator.stream().toUpperCase(java.util.Locale.ROOT),
                Gifting.PERFUME.toUpperCase(java.util.Locale.ROOT), 1, key);
        assertEquals(first.getString("data.sendGift.receipt.id"), shouted.getString("data.sendGift.receipt.id"), shouted.prettify());
        assertEquals(80, Flows.coins(viewer.token()));
        // the replay's wallet, valued as the web app asks for it (its value was resolved outside the request: INTERNAL)
        String valued = "mutation($i: SendGiftInput!) { sendGift(input: $i) { receipt { id } wallet { coins moneyValue { amount currency } } } }";
        for (int i = 0; i < 2; i++) {
            var replayed = Gql.ok(viewer.token(), valued, Gql.vars("i", Map.of("streamId", creator.stream(), "giftId", Gifting.PERFUME,
                    "quantity", 1, "idempotencyKey", key)));
            assertEquals(first.getString("data.sendGift.receipt.id"), replayed.getString("data.sendGift.receipt.id"));
            assertEquals("USD", replayed.getString("data.sendGift.wallet.moneyValue.currency"), replayed.prettify());
        }
        assertEquals("IDEMPOTENCY_KEY_REUSED", Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 2, key)));
        // the replay still works after the stream has ended
        Gql.ok(creator.token(), "mutation($input: EndLiveStreamInput!) { endLiveStream(input: $input) { liveStream { status } } }",
                Gql.input("streamId", creator.stream()));
        assertEquals(first.getString("data.sendGift.receipt.id"),
                Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 1, key).getString("data.sendGift.receipt.id"));
        assertEquals(80, Flows.coins(viewer.token()));
    }

    @Test
    void everyRefusalCodeWritesNothing() {
        LiveCreator creator = Gifting.liveCreator("refuse");
        Viewer viewer = Gifting.fundedViewer("refuse", 50);
        assertEquals("INSUFFICIENT_COINS", Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key())));
        // a viewer who never bought coins has no wallet row yet: nothing to spend, nothing written
        String newcomer = Tokens.viewer(Tokens.unique("newcomer"));
        assertEquals("INSUFFICIENT_COINS", Gifting.code(Gifting.send(newcomer, creator.stream(), Gifting.ROSE, 1, Flows.key())));
        assertEquals(0, Flows.coins(newcomer));
        assertTrue(Gql.ok(newcomer, "{ giftReceipts { nodes { id } } }").getList("data.giftReceipts.nodes").isEmpty());
        for (int q : new int[] { 0, -1, 100 }) {
            assertEquals("INVALID_QUANTITY", Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, q, Flows.key())), "q=" + q);
        }
        for (Object q : new Object[] { 2147483648L, 4294967301L, new java.math.BigInteger("18446744073709551621") }) {
            assertEquals("INVALID_QUANTITY", Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, q, Flows.key())), "q=" + q);
        }
        var fractional = Gql.post(viewer.token(), Gifting.SEND, Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 5.5,
                "idempotencyKey", Flows.key()));
        assertNotNull(fractional.jsonPath().getList("errors"));
        assertEquals("SELF_GIFT", Gifting.code(Gifting.send(creator.token(), creator.stream(), Gifting.ROSE, 1, Flows.key())));
        assertEquals("NOT_FOUND", Gifting.code(Gifting.send(viewer.token(), "00000000-0000-4000-8000-00000000abcd", Gifting.ROSE, 1, Flows.key())));
        assertEquals("NOT_FOUND", Gifting.code(Gifting.send(viewer.token(), creator.stream(), "00000000-0000-4000-8000-00000000abcd", 1, Flows.key())));
        assertEquals("NOT_FOUND", Gifting.code(Gifting.send(viewer.token(), "'; drop table gift_event; --", Gifting.ROSE, 1, Flows.key())));

        String minor = Tokens.token(Tokens.unique("kid"), Set.of("viewer"), "2012-01-01", "US");
        assertEquals("AGE_RESTRICTED", Gifting.code(Gifting.send(minor, creator.stream(), Gifting.ROSE, 1, Flows.key())));
        String minorCreatorId = Tokens.unique("teen");
        String minorCreator = Tokens.token(minorCreatorId, Set.of("viewer", "creator"), "2011-01-01", "US");
        // a creator under the age rule cannot go live (told so, as it is their own age); no viewer's gift tells anyone a creator's age
        var teen = Gql.ok(minorCreator, "mutation { startLiveStream(input: {title: \"teen\"}) { liveStream { id } userErrors { code } } }");
        assertEquals("AGE_RESTRICTED", teen.getString("data.startLiveStream.userErrors[0].code"), teen.prettify());
        assertEquals(null, teen.getString("data.startLiveStream.liveStream"));
        String noBirthdate = Tokens.token(Tokens.unique("teennobd"), Set.of("viewer", "creator"), null, "US");
        assertEquals("AGE_RESTRICTED", Gql.ok(noBirthdate, "mutation { startLiveStream(input: {title: \"who\"}) { userErrors { code } } }")
                .getString("data.startLiveStream.userErrors[0].code"));


        // a gift on sale only in Japan, and one retired yesterday
        String admin = Tokens.admin();
        String jpOnly = Gql.ok(admin, "mutation { createGift(input: {name: \"Sakura\", coins: 3, tier: 1, animationKey: \"gifts/sakura\", regions: [\"JP\"]}) { gift { id } userErrors { code } } }")
                .getString("data.createGift.gift.id");
        assertEquals("GIFT_UNAVAILABLE", Gifting.code(Gifting.send(viewer.token(), creator.stream(), jpOnly, 1, Flows.key())));
        String retired = Gql.ok(admin, "mutation { createGift(input: {name: \"Old\", coins: 3, tier: 1, animationKey: \"gifts/old\", activeFrom: \"2026-01-01T00:00:00Z\", activeUntil: \"2026-02-01T00:00:00Z\"}) { gift { id } } }")
                .getString("data.createGift.gift.id");
        assertEquals("GIFT_UNAVAILABLE", Gifting.code(Gifting.send(viewer.token(), creator.stream(), retired, 1, Flows.key())));

        Gql.ok(creator.token(), "mutation($input: EndLiveStreamInput!) { endLiveStream(input: $input) { liveStream { status } } }",
                Gql.input("streamId", creator.stream()));
        assertEquals("STREAM_NOT_LIVE", Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, Flows.key())));

        assertEquals(50, Flows.coins(viewer.token()));
        assertEquals(0, pendingDiamonds(creator.id()));
        assertTrue(Gql.ok(viewer.token(), "{ giftReceipts { nodes { id } } }").getList("data.giftReceipts.nodes").isEmpty());
    }

    /**
     * A live creator whose token now gives a birthdate that makes them a minor: their stream takes no more gifts, on every
     * instance (the stream's memory of its creator goes with the notice of the new birthdate). A viewer is answered as for
     * an ended stream, word for word: no refusal tells a viewer a creator's age.
     */
    @Test
    void aCreatorWhoseBirthdateNowMakesThemAMinorReceivesNoMoreGifts() throws InterruptedException {
        Viewer viewer = Gifting.fundedViewer("agechangedfan", 50);
        LiveCreator changed = Gifting.liveCreator("agechanged");
        assertEquals(null, Gifting.code(Gifting.send(viewer.token(), changed.stream(), Gifting.ROSE, 1, Flows.key())), "remembered as an adult");
        Gql.ok(Tokens.token(changed.id(), Set.of("viewer", "creator"), "2012-02-02", "US"), "{ me { id } }");
        String after = null;
        for (int i = 0; i < 40 && !"STREAM_NOT_LIVE".equals(after); i++) {
            after = Gifting.code(Gifting.send(viewer.token(), changed.stream(), Gifting.ROSE, 1, Flows.key()));
            if (!"STREAM_NOT_LIVE".equals(after)) {
                Thread.sleep(50);
            }
        }
        assertEquals("STREAM_NOT_LIVE", after);
        var refused = Gifting.send(viewer.token(), changed.stream(), Gifting.ROSE, 1, Flows.key());
        assertEquals("The stream is not live", refused.getString("data.sendGift.userErrors[0].message"), refused.prettify());
        // a token the creator still holds from before the correction (issued earlier, an adult's birthdate) never writes
        // its birthdate back: the newest token's word stands
        String older = Tokens.builder(changed.id(), Set.of("viewer", "creator"), Tokens.ADULT, "US")
                .issuedAt(java.time.Instant.now().getEpochSecond() - 60).sign(Tokens.key());
        // and its own requests count the newest token's claims: not an adult, under the name the row holds
        var me = Gql.ok(older, "{ me { id adult displayName } }");
        assertEquals(false, me.getBoolean("data.me.adult"), me.prettify());
        assertEquals("2012-02-02", String.valueOf(com.coinstream.support.Db.rows(com.coinstream.support.Db.TEST_SCHEMA,
                "select birthdate from app_user where id = ?", changed.id()).get(0).get("birthdate")));
        Thread.sleep(200);
        assertEquals("STREAM_NOT_LIVE", Gifting.code(Gifting.send(viewer.token(), changed.stream(), Gifting.ROSE, 1, Flows.key())));
    }

    /**
     * The same, where no instance has heard of the new birthdate (its notice missed, or still on its way): the gift batch
     * reads the creator's row itself, so the gift is refused (as for an ended stream) and moves nothing, whatever the stream
     * directory remembers.
     */
    @Test
    void aCreatorUnderAgeByTheirRowIsRefusedByTheBatchWhateverAnInstanceRemembers() {
        Viewer viewer = Gifting.fundedViewer("ageunheardfan", 50);
        LiveCreator unheard = Gifting.liveCreator("ageunheard");
        assertEquals(null, Gifting.code(Gifting.send(viewer.token(), unheard.stream(), Gifting.ROSE, 1, Flows.key())), "remembered as an adult");
        com.coinstream.support.Db.rows(com.coinstream.support.Db.TEST_SCHEMA, "update app_user set birthdate = (current_date - interval '17 years')::date "
                + "where id = ? returning id", unheard.id());
        long before = Gql.ok(viewer.token(), "{ wallet { coins } }").getLong("data.wallet.coins");
        assertEquals("STREAM_NOT_LIVE", Gifting.code(Gifting.send(viewer.token(), unheard.stream(), Gifting.ROSE, 1, Flows.key())));
        assertEquals(before, Gql.ok(viewer.token(), "{ wallet { coins } }").getLong("data.wallet.coins"), "nothing moved");
        LedgerChecks.assertClean();
    }

    /**
     * A person renamed at the identity provider: a request of a token they still hold from before (one this instance has
     * already seen) goes on under the new name, not the old one it carries (the instance forgot what it remembered of the
     * person when the new name was written).
     */
    @Test
    void anOlderTokenSeenBeforeGoesOnUnderTheNewestName() {
        String id = Tokens.unique("renamed");
        long now = java.time.Instant.now().getEpochSecond();
        String older = Tokens.builder(id, Set.of("viewer"), Tokens.ADULT, "US").claim("name", "Old Name").issuedAt(now - 60).sign(Tokens.key());
        String newer = Tokens.builder(id, Set.of("viewer"), Tokens.ADULT, "US").claim("name", "New Name").issuedAt(now).sign(Tokens.key());
        assertEquals("Old Name", Gql.ok(older, "{ me { displayName } }").getString("data.me.displayName"));
        assertEquals("New Name", Gql.ok(newer, "{ me { displayName } }").getString("data.me.displayName"));
        assertEquals("New Name", Gql.ok(older, "{ me { displayName } }").getString("data.me.displayName"));
        assertEquals("New Name", com.coinstream.support.Db.rows(com.coinstream.support.Db.TEST_SCHEMA,
                "select display_name from app_user where id = ?", id).get(0).get("display_name"));
    }

    @Test
    void onlyTheCreatorEndsTheirStream() {
        LiveCreator creator = Gifting.liveCreator("owner");
        LiveCreator other = Gifting.liveCreator("other");
        String end = "mutation($input: EndLiveStreamInput!) { endLiveStream(input: $input) { liveStream { status } userErrors { code } } }";
        assertEquals("FORBIDDEN", Gql.ok(other.token(), end, Gql.input("streamId", creator.stream())).getString("data.endLiveStream.userErrors[0].code"));
        assertEquals("ENDED", Gql.ok(creator.token(), end, Gql.input("streamId", creator.stream())).getString("data.endLiveStream.liveStream.status"));
        assertEquals("INVALID_STATE", Gql.ok(creator.token(), end, Gql.input("streamId", creator.stream())).getString("data.endLiveStream.userErrors[0].code"));
        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(Tokens.viewer("v"), "mutation { startLiveStream(input: {title: \"x\"}) { liveStream { id } } }", null)));
        var twice = Gql.ok(other.token(), "mutation { startLiveStream(input: {title: \"again\"}) { liveStream { id } userErrors { code } } }");
        assertEquals("INVALID_STATE", twice.getString("data.startLiveStream.userErrors[0].code"));
        assertNull(twice.get("data.startLiveStream.liveStream"));
    }
}
