package com.coinstream.gifting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.FeedClient;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Nothing is missed silently: every gift event has its number in the stream, and what a client missed can be read
 * after the last number it saw. A stream overlay reads its creator's events with a revocable read-only key.
 */
@QuarkusTest
class StreamFeedTest {
    static final String EVENTS = "query($s: ID!, $after: BigInteger, $key: String) { streamEvents(streamId: $s, after: $after, first: 100, overlayKey: $key) { id sequence coins streamTotal senderName } }";

    @AfterEach
    void clean() {
        LedgerChecks.assertClean();
    }

    @Test
    void racingGiftsAreNumberedOneByOneInTheirStreamAndCanBeReadAfterAnyNumber() {
        LiveCreator creator = Gifting.liveCreator("seq");
        List<Viewer> fans = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fans.add(Gifting.fundedViewer("seqfan", 1000));
        }
        List<String> receipts = Race.run(120, i -> Gifting.send(fans.get(i % fans.size()).token(), creator.stream(), Gifting.FINGER_HEART, 1,
                Flows.key()).getString("data.sendGift.receipt.id"));
        assertTrue(receipts.stream().allMatch(r -> r != null));
        List<Long> sequences = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long after = 0;
        long total = 0;
        for (int page = 0; page < 3; page++) {
            JsonPath r = Gql.ok(fans.get(0).token(), EVENTS, Gql.vars("s", creator.stream(), "after", after));
            List<Number> seqs = r.getList("data.streamEvents.sequence");
            for (int i = 0; i < seqs.size(); i++) {
                sequences.add(seqs.get(i).longValue());
                ids.add(r.getString("data.streamEvents[" + i + "].id"));
                total += 5;
                assertEquals(total, r.getLong("data.streamEvents[" + i + "].streamTotal"), "the running total as the feed showed it");
            }
            if (!seqs.isEmpty()) {
                after = seqs.get(seqs.size() - 1).longValue();
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long n = 1; n <= 120; n++) {
            expected.add(n);
        }
        assertEquals(expected, sequences);
        assertEquals(new HashSet<>(receipts), ids);
        assertEquals(List.of(), Gql.ok(fans.get(0).token(), EVENTS, Gql.vars("s", creator.stream(), "after", 120)).getList("data.streamEvents"));
    }

    @Test
    void anOverlayKeyReadsItsCreatorsStreamUntilRevoked() throws Exception {
        LiveCreator creator = Gifting.liveCreator("overlay");
        LiveCreator other = Gifting.liveCreator("overlayother");
        Viewer fan = Gifting.fundedViewer("overlayfan", 1000);
        JsonPath created = Gql.ok(creator.token(), "mutation { createOverlayKey(input: {label: \"OBS\"}) { overlayKey { id hint revokedAt } key userErrors { code } } }");
        String key = created.getString("data.createOverlayKey.key");
        String keyId = created.getString("data.createOverlayKey.overlayKey.id");
        assertTrue(key.startsWith("ovk_") && key.endsWith(created.getString("data.createOverlayKey.overlayKey.hint")));
        // The key is never shown again.
        assertEquals(List.of(keyId), Gql.ok(creator.token(), "{ overlayKeys { id } }").getList("data.overlayKeys.id"));
        Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());

        // Without signing in, the key reads this creator's stream, and no other.
        assertEquals(1, Gql.ok(null, EVENTS, Gql.vars("s", creator.stream(), "key", key)).getList("data.streamEvents").size());
        Response foreign = Gql.post(null, EVENTS, Gql.vars("s", other.stream(), "key", key));
        assertEquals("FORBIDDEN", Gql.errorCode(foreign), foreign.asString());
        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(null, EVENTS, Gql.vars("s", creator.stream(), "key", "ovk_forged"))));
        assertEquals("UNAUTHENTICATED", Gql.errorCode(Gql.post(null, EVENTS, Gql.vars("s", creator.stream()))));
        // The key reads nothing else: a signed-in query with it is still anonymous.
        assertEquals("UNAUTHENTICATED", Gql.errorCode(Gql.post(null, "{ wallet { coins } }", null)));

        try (FeedClient overlay = FeedClient.connect(RestAssured.port, null)) {
            overlayReadsGifts(overlay, creator, fan, key);
            JsonPath revoked = Gql.ok(creator.token(), "mutation($input: RevokeOverlayKeyInput!) { revokeOverlayKey(input: $input) { overlayKey { revokedAt } userErrors { code } } }",
                    Gql.input("overlayKeyId", keyId));
            assertNotNull(revoked.getString("data.revokeOverlayKey.overlayKey.revokedAt"));
            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
            // Events already on their way may still arrive; then the subscription ends with FORBIDDEN.
            JsonNode after = overlay.nextOf(10, "error", "next", "complete");
            while (after != null && after.path("payload").has("data") && !after.path("payload").path("data").path("giftEvents").isNull()
                    && !after.path("payload").has("errors")) {
                after = overlay.nextOf(10, "error", "next", "complete");
            }
            assertNotNull(after, "the overlay's subscription went on after its key was revoked");
            assertTrue(after.toString().contains("FORBIDDEN"), after.toString());
        }
        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(null, EVENTS, Gql.vars("s", creator.stream(), "key", key))));
        assertNull(Gql.ok(fan.token(), "{ wallet { id } }").getString("errors"));
    }

    /** A key revoked by another instance whose notification never reached this one still stops the overlay, within seconds. */
    @Test
    void anOverlayKeyRevokedUntoldStopsItsOverlayWithinSeconds() throws Exception {
        LiveCreator creator = Gifting.liveCreator("untoldkey");
        Viewer fan = Gifting.fundedViewer("untoldkeyfan", 1000);
        JsonPath created = Gql.ok(creator.token(), "mutation { createOverlayKey(input: {label: \"OBS\"}) { overlayKey { id } key } }");
        String key = created.getString("data.createOverlayKey.key");
        String keyId = created.getString("data.createOverlayKey.overlayKey.id");
        try (FeedClient overlay = FeedClient.connect(RestAssured.port, null)) {
            overlayReadsGifts(overlay, creator, fan, key);
            // as another instance revokes it, with no notification reaching this one
            Db.rows(Db.TEST_SCHEMA, "update overlay_key set revoked_at = now() where id = ?::uuid returning id", keyId);
            JsonNode stopped = null;
            List<String> seen = new java.util.ArrayList<>();
            long start = System.nanoTime();
            // the database is asked every 5 s
            while (stopped == null && System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(12)) {
                JsonPath sent = Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
                assertNull(Gifting.code(sent), "a gift to read: " + sent.prettify());
                JsonNode next = overlay.nextOf(1, "error", "next", "complete");
                seen.add(next == null ? "null" : next.path("type").asText() + " " + next.path("payload").toString().length());
                Thread.sleep(250);
                if (next != null && next.toString().contains("FORBIDDEN")) {
                    stopped = next;
                }
            }
            assertNotNull(stopped, "the overlay went on with a key revoked elsewhere: " + seen);
        }
    }

    @Test
    void objectsThatChangeHaveStableIdsForNormalizedCaches() {
        Viewer fan = Gifting.fundedViewer("ids", 100);
        LiveCreator creator = Gifting.liveCreator("idscreator");
        String walletId = Gql.ok(fan.token(), "{ wallet { id } }").getString("data.wallet.id");
        JsonPath sent = Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
        assertEquals(walletId, Gql.ok(fan.token(), Gifting.SEND.replace("wallet { coins }", "wallet { id coins }"),
                Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1, "idempotencyKey", Flows.key()))
                .getString("data.sendGift.wallet.id"));
        assertNotNull(sent.getString("data.sendGift.receipt.id"));
        String other = Gql.ok(Gifting.fundedViewer("ids2", 1).token(), "{ wallet { id } }").getString("data.wallet.id");
        assertTrue(!walletId.equals(other));
        String earnings = Gql.ok(creator.token(), "{ earnings { id } }").getString("data.earnings.id");
        assertEquals(earnings, Gql.ok(creator.token(), "{ earnings { id } }").getString("data.earnings.id"));
        List<String> limits = Gql.ok(fan.token(), "{ spendingLimits { id } }").getList("data.spendingLimits.id");
        assertEquals(3, new HashSet<>(limits).size());
    }

    /**
     * One overlay key holds at most 10 subscriptions at once on an instance (an overlay page reads two); the 11th is refused
     * RATE_LIMITED. A creator makes at most 50 keys a day, revoked ones included (create and revoke in a loop added rows
     * without end).
     */
    @Test
    void anOverlayKeysReadersAndADaysKeysAreCapped() throws Exception {
        LiveCreator creator = Gifting.liveCreator("keycaps");
        String key = Gql.ok(creator.token(), "mutation { createOverlayKey(input: {label: \"OBS\"}) { key } }").getString("data.createOverlayKey.key");
        try (FeedClient overlay = FeedClient.connect(RestAssured.port, null)) {
            assertNotNull(overlay.nextOf(10, "connection_ack"));
            for (int i = 0; i < 11; i++) {
                overlay.subscribe("k" + i, "subscription($s: ID!, $k: String) { giftEvents(streamId: $s, overlayKey: $k) { id } }",
                        Map.of("s", creator.stream(), "k", key));
            }
            JsonNode refused = overlay.nextOf(10, "next", "error");
            assertNotNull(refused);
            assertTrue(refused.toString().contains("RATE_LIMITED"), refused.toString());
            JsonNode more = overlay.nextOf(2, "next", "error");
            assertTrue(more == null || !more.toString().contains("RATE_LIMITED"), "one refused: " + more);
        }
        String create = "mutation { createOverlayKey(input: {label: \"loop\"}) { overlayKey { id } userErrors { code } } }";
        String revoke = "mutation($i: RevokeOverlayKeyInput!) { revokeOverlayKey(input: $i) { userErrors { code } } }";
        for (int i = 1; i < com.coinstream.live.OverlayKeys.MAX_CREATED_PER_DAY; i++) {
            JsonPath made = Gql.ok(creator.token(), create);
            assertEquals(List.of(), made.getList("data.createOverlayKey.userErrors"), "key " + i);
            Gql.ok(creator.token(), revoke, Gql.vars("i", Map.of("overlayKeyId", made.getString("data.createOverlayKey.overlayKey.id"))));
        }
        assertEquals("RATE_LIMITED", Gql.ok(creator.token(), create).getString("data.createOverlayKey.userErrors[0].code"));
    }

    /** An overlay connection subscribed with {@code key} to the creator's gifts, shown receiving one of the fan's. */
    static void overlayReadsGifts(FeedClient overlay, LiveCreator creator, Viewer fan, String key) throws Exception {
        assertNotNull(overlay.nextOf(10, "connection_ack"));
        overlay.send(Map.of("id", "1", "type", "subscribe", "payload", Map.of(
                "query", "subscription($s: ID!, $k: String) { giftEvents(streamId: $s, overlayKey: $k) { id sequence } }",
                "variables", Map.of("s", creator.stream(), "k", key))));
        JsonNode received = null;
        for (int attempt = 0; attempt < 10 && received == null; attempt++) {
            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
            received = overlay.nextOf(2, "next");
        }
        assertNotNull(received, "the overlay never received a gift");
    }
}
