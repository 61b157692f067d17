package com.coinstream.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.Race;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(AbuseLimitsTest.FiveGiftsPerSecond.class)
class AbuseLimitsTest {

    public static class FiveGiftsPerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coinstream.protection.gift-rate-per-second", "5");
        }
    }

    @Test
    void aViewerSendingTooFastIsRateLimited() {
        LiveCreator creator = Gifting.liveCreator("ratelim");
        Viewer viewer = Gifting.fundedViewer("spammer", 1000);
        long started = System.nanoTime();
        List<String> codes = Race.run(30,
                i -> String.valueOf(Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, Flows.key()))));
        double seconds = (System.nanoTime() - started) / 1e9;
        long limited = codes.stream().filter("RATE_LIMITED"::equals).count();
        long sent = codes.stream().filter("null"::equals).count();
        // a burst of 5, and 5 more each second the race lasted (on a loaded machine it may last more than a second)
        assertTrue(limited > 0 && sent <= 5 + (long) Math.ceil(5 * seconds), "sent " + sent + " of 30 in " + seconds + " s");
        assertEquals(1000 - sent, Flows.coins(viewer.token()));
    }

    /**
     * 25 copies of one request at once (a client's retries racing the original): one gift, and every copy answers its
     * receipt; none is refused RATE_LIMITED for the original's place in the sender's rate (the original was still in its
     * lane, so no committed key was there to replay).
     */
    @Test
    void copiesOfOneGiftRacingItAreAnsweredWithItsReceiptNotRateLimited() {
        LiveCreator creator = Gifting.liveCreator("ratetwins");
        Viewer viewer = Gifting.fundedViewer("ratetwinsfan", 100);
        String key = Flows.key();
        List<String> answers = Race.run(25, i -> {
            var r = Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, key);
            String code = String.valueOf(Gifting.code(r));
            return "null".equals(code) ? r.getString("data.sendGift.receipt.id") : code;
        });
        assertEquals(1, answers.stream().distinct().count(), answers.toString());
        assertTrue(answers.get(0).length() > 20, answers.get(0));
        assertEquals(99, Flows.coins(viewer.token()));
    }

    @Test
    void holdsStopPurchasesGiftsAndPayouts() {
        LiveCreator creator = Gifting.liveCreator("holdc");
        Viewer viewer = Gifting.fundedViewer("heldviewer", 100);
        String admin = Tokens.admin();
        Gql.ok(admin, "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { onHold } }", Gql.input("userId", viewer.id(), "reason", "chargeback pattern"));
        assertEquals("ACCOUNT_ON_HOLD", Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, Flows.key())));
        assertEquals("ACCOUNT_ON_HOLD", Flows.buyPackage(viewer.token(), Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.userErrors[0].code"));
        Gql.ok(admin, "mutation($input: ReleaseHoldInput!) { releaseHold(input: $input) { onHold } }", Gql.input("userId", viewer.id()));
        assertNull(Gifting.code(Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, Flows.key())));
        var unknown = Gql.ok(admin, "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { userErrors { code } } }", Gql.input("userId", "nobody-" + Flows.key(), "reason", "x"));
        assertEquals("NOT_FOUND", unknown.getString("data.placeHold.userErrors[0].code"));
        // a hold on one's own account is another admin's to place or release
        String selfId = Tokens.unique("selfheld");
        String self = Tokens.token(selfId, Set.of("admin", "viewer"), "1990-01-01", "US");
        Gql.ok(self, "{ wallet { coins } }");
        Gql.ok(admin, "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { onHold } }", Gql.input("userId", selfId, "reason", "review"));
        assertEquals("FORBIDDEN", Gql.ok(self, "mutation($input: ReleaseHoldInput!) { releaseHold(input: $input) { onHold userErrors { code } } }",
                Gql.input("userId", selfId)).getString("data.releaseHold.userErrors[0].code"));
        assertEquals("FORBIDDEN", Gql.ok(self, "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { onHold userErrors { code } } }",
                Gql.input("userId", selfId, "reason", "x")).getString("data.placeHold.userErrors[0].code"));
        assertEquals(true, Gql.ok(admin, "mutation($input: ReleaseHoldInput!) { releaseHold(input: $input) { onHold } }", Gql.input("userId", selfId))
                .getBoolean("data.releaseHold.onHold") == false);
        // a hold another admin placed is theirs: a second admin's is refused (it was answered as placed, and recorded
        // nowhere); the first admin's again is a replay, and the first reason stays
        String place = "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { onHold userErrors { code } } }";
        String otherId = Tokens.unique("otherholder");
        Gql.ok(admin, place, Gql.input("userId", viewer.id(), "reason", "first review"));
        assertEquals("INVALID_STATE", Gql.ok(Tokens.admin(otherId), place, Gql.input("userId", viewer.id(), "reason", "second review"))
                .getString("data.placeHold.userErrors[0].code"));
        assertEquals(1, com.coinstream.support.Db.number(com.coinstream.support.Db.TEST_SCHEMA, "select count(*) from admin_audit where actor_id = ? "
                + "and action = 'placeHold' and outcome = 'REFUSED' and error_code = 'INVALID_STATE'", otherId), "the refused hold is recorded");
        assertTrue(Gql.ok(admin, place, Gql.input("userId", viewer.id(), "reason", "first review")).getList("data.placeHold.userErrors").isEmpty());
        assertEquals("first review", com.coinstream.support.Db.rows(com.coinstream.support.Db.TEST_SCHEMA, "select hold_reason from app_user where id = ?",
                viewer.id()).get(0).get("hold_reason"));
        Gql.ok(admin, "mutation($input: ReleaseHoldInput!) { releaseHold(input: $input) { onHold } }", Gql.input("userId", viewer.id()));
    }

    @Test
    void theConcentrationSignalFindsAPlantedRingAndIgnoresOrganicGifting() throws Exception {
        LiveCreator ringCreator = Gifting.liveCreator("ringc");
        LiveCreator organicCreator = Gifting.liveCreator("organicc");
        LiveCreator otherCreator = Gifting.liveCreator("otherc");
        for (int i = 0; i < 6; i++) {
            Viewer sock = Gifting.fundedViewer("sock" + i, 100);
            Gifting.send(sock.token(), ringCreator.stream(), Gifting.PERFUME, 1, Flows.key());
            Thread.sleep(210); // stay under the 5 gifts/s of this profile
        }
        for (int i = 0; i < 6; i++) {
            Viewer fan = Gifting.fundedViewer("fan" + i, 100);
            Gifting.send(fan.token(), organicCreator.stream(), Gifting.PERFUME, 1, Flows.key());
            Gifting.send(fan.token(), otherCreator.stream(), Gifting.ROSE, 1, Flows.key());
            Thread.sleep(210);
        }
        var r = Gql.ok(Tokens.admin(), "{ suspiciousCreators { creatorId exclusiveNewSenders totalSenders sharePercent coinsFromExclusiveNewSenders sampleSenders } }");
        List<String> flagged = r.getList("data.suspiciousCreators.creatorId");
        assertTrue(flagged.contains(ringCreator.id()), flagged.toString());
        assertTrue(!flagged.contains(organicCreator.id()) && !flagged.contains(otherCreator.id()), flagged.toString());
        Map<String, Object> ring = r.getMap("data.suspiciousCreators.find { it.creatorId == '" + ringCreator.id() + "' }");
        assertEquals(6, ((Number) ring.get("exclusiveNewSenders")).intValue());
        assertEquals(100, ((Number) ring.get("sharePercent")).intValue());
        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(Tokens.viewer("v"), "{ suspiciousCreators { creatorId } }", null)));
    }

    @Test
    void everyAgeRuleIsEnforced() {
        LiveCreator creator = Gifting.liveCreator("agec");
        String minorId = Tokens.unique("minor");
        String minor = Tokens.token(minorId, Set.of("viewer", "creator"), "2010-06-01", "US");
        String noBirthdate = Tokens.token(Tokens.unique("nobd"), Set.of("viewer", "creator"), null, "US");
        Flows.fund(minorId, minor, 100);
        // buy
        assertEquals("AGE_RESTRICTED", Flows.buyPackage(minor, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.userErrors[0].code"));
        assertEquals("AGE_RESTRICTED", Flows.buyPackage(noBirthdate, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.userErrors[0].code"));
        // send
        assertEquals("AGE_RESTRICTED", Gifting.code(Gifting.send(minor, creator.stream(), Gifting.ROSE, 1, Flows.key())));
        // receive: a minor does not go live, so no stream of theirs takes gifts
        assertEquals("AGE_RESTRICTED", Gql.ok(minor, "mutation { startLiveStream(input: {title: \"kid\"}) { liveStream { id } userErrors { code } } }")
                .getString("data.startLiveStream.userErrors[0].code"));
        assertEquals("AGE_RESTRICTED", Gql.ok(noBirthdate, "mutation { startLiveStream(input: {title: \"kid\"}) { liveStream { id } userErrors { code } } }")
                .getString("data.startLiveStream.userErrors[0].code"));
        // cash out
        var payout = Gql.ok(minor, Payouts.REQUEST, Gql.input("diamonds", 5000, "payoutAccountId",
                "00000000-0000-4000-8000-000000000000", "idempotencyKey", Flows.key()));
        assertEquals("AGE_RESTRICTED", payout.getString("data.requestPayout.userErrors[0].code"));
        assertEquals(100, Flows.coins(minor));
    }
}
