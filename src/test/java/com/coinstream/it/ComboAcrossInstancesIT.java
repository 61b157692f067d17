package com.coinstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.coinstream.support.FeedClient;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;

/**
 * One sender's streak whose gifts land on two instances of the packaged app: subscribers on either instance see one
 * combo, with the same id and the same running count, and the same end with its total.
 */
@QuarkusIntegrationTest
@WithTestResource(ProdApp.class)
class ComboAcrossInstancesIT {
    static final String ACTIVITY = "subscription($s: ID!) { streamActivity(streamId: $s) { kind combo { id senderName count coins ended } } }";

    /** The next combo activity of {@code sender} on this client, or null. */
    static JsonNode nextCombo(FeedClient client, String sender, long seconds) throws Exception {
        while (true) {
            JsonNode data = client.nextData("a", seconds);
            if (data == null) {
                return null;
            }
            JsonNode a = data.path("streamActivity");
            if (sender.equals(a.path("combo").path("senderName").asText())) {
                return a;
            }
        }
    }

    @Test
    void aStreakSpreadOverTwoInstancesIsOneComboOnBoth() throws Exception {
        String admin = Tokens.admin();
        String gift = Gql.ok(admin, "mutation { createGift(input: {name: \"Streak rose\", coins: 1, tier: 1, animationKey: \"gifts/rose\"}) { gift { id } } }")
                .getString("data.createGift.gift.id");
        LiveCreator creator = Gifting.liveCreator("streak");
        Viewer fan = Gifting.fundedViewer("streakfan", 100);
        Viewer warm = Gifting.fundedViewer("streakwarm", 100);
        String send = "mutation($input: SendGiftInput!) { sendGift(input: $input) { receipt { id } userErrors { code } } }";

        try (SecondInstance b = SecondInstance.start(8095);
                FeedClient onA = FeedClient.connect(RestAssured.port, Tokens.viewer(Tokens.unique("watch-a")));
                FeedClient onB = FeedClient.connect(b.port, Tokens.viewer(Tokens.unique("watch-b")))) {
            assertNotNull(onA.nextOf(10, "connection_ack"));
            assertNotNull(onB.nextOf(10, "connection_ack"));
            onA.subscribe("a", ACTIVITY, Map.of("s", creator.stream()));
            onB.subscribe("a", ACTIVITY, Map.of("s", creator.stream()));
            // both rooms are open once each has shown a warm-up gift
            boolean liveA = false;
            boolean liveB = false;
            for (int attempt = 0; attempt < 10 && !(liveA && liveB); attempt++) {
                // through both instances, so neither answers its first gift of the streak cold (the streak's window is 3 s)
                Gql.postTo(attempt % 2 == 0 ? RestAssured.port : b.port, warm.token(), send,
                        Gql.input("streamId", creator.stream(), "giftId", gift, "quantity", 1, "idempotencyKey", Flows.key()));
                liveA |= nextCombo(onA, warm.id(), 2) != null;
                liveB |= nextCombo(onB, warm.id(), 2) != null;
            }
            assertTrue(liveA && liveB, "streamActivity never went live on both instances");

            // six gifts of the streak, alternately through A and through B
            for (int i = 0; i < 6; i++) {
                var r = Gql.postTo(i % 2 == 0 ? RestAssured.port : b.port, fan.token(), send,
                        Gql.input("streamId", creator.stream(), "giftId", gift, "quantity", 1, "idempotencyKey", Flows.key()));
                assertEquals(List.of(), r.jsonPath().getList("data.sendGift.userErrors"));
            }
            JsonNode lastA = null;
            JsonNode lastB = null;
            for (int i = 0; i < 6; i++) {
                lastA = nextCombo(onA, fan.id(), 5);
                lastB = nextCombo(onB, fan.id(), 5);
                assertNotNull(lastA, "instance A: combo update " + (i + 1));
                assertNotNull(lastB, "instance B: combo update " + (i + 1));
                assertEquals(lastA.path("combo").path("id").asText(), lastB.path("combo").path("id").asText(), "the same combo on both");
                assertEquals(lastA.path("combo").path("count").asLong(), lastB.path("combo").path("count").asLong(), "the same count on both");
            }
            assertEquals(6, lastA.path("combo").path("count").asLong());
            JsonNode endA = nextCombo(onA, fan.id(), 10);
            JsonNode endB = nextCombo(onB, fan.id(), 10);
            assertEquals("COMBO_ENDED", endA.path("kind").asText());
            assertEquals("COMBO_ENDED", endB.path("kind").asText());
            assertEquals(lastA.path("combo").path("id").asText(), endB.path("combo").path("id").asText());
            assertEquals(6, endA.path("combo").path("count").asLong());
            assertEquals(6, endB.path("combo").path("count").asLong());
        }
    }
}
