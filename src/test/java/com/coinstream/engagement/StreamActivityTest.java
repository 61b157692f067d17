package com.coinstream.engagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.coinstream.support.FeedClient;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Viewer;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;

/**
 * streamActivity over graphql-transport-ws: one growing combo per streak (not N unrelated events), its end with the total,
 * a new combo past the window's edge, anonymity, money next to coins, and goal progress as it commits.
 */
@QuarkusTest
class StreamActivityTest {
    static final String ACTIVITY = """
            subscription($s: ID!) { streamActivity(streamId: $s) { kind at
              combo { id senderName count gifts coins value { amount currency } endsAt ended gift { name } }
              goal { id title progress target reached value { amount currency } active } } }
            """;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    /** Sends a warm-up gift until the subscription shows it: the room is then live. Returns the warm-up's combo id. */
    static String warmUp(FeedClient client, Viewer fan, LiveCreator creator) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            Gifting.send(fan.token(), creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key());
            JsonNode data = client.nextData("a", 2);
            if (data != null) {
                return data.path("streamActivity").path("combo").path("id").asText();
            }
        }
        throw new AssertionError("streamActivity never went live");
    }

    /** The next activity that is not about the warm-up gift. */
    static JsonNode next(FeedClient client, String ignoreCombo, long seconds) throws Exception {
        while (true) {
            JsonNode data = client.nextData("a", seconds);
            if (data == null) {
                return null;
            }
            JsonNode a = data.path("streamActivity");
            if (!ignoreCombo.equals(a.path("combo").path("id").asText())) {
                return a;
            }
        }
    }

    @Test
    void repeatedGiftsGrowOneComboThatEndsWithItsTotalAndANewOneStartsPastTheWindow() throws Exception {
        LiveCreator creator = Gifting.liveCreator("combo");
        Viewer fan = Gifting.fundedViewer("combofan", 500);
        Viewer warm = Gifting.fundedViewer("combowarm", 500);
        try (FeedClient client = FeedClient.connect(port, fan.token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("a", ACTIVITY, Map.of("s", creator.stream()));
            String warmCombo = warmUp(client, warm, creator);

            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 2, Flows.key());
            JsonNode first = next(client, warmCombo, 5);
            assertEquals("COMBO", first.path("kind").asText());
            String comboId = first.path("combo").path("id").asText();
            assertEquals(2, first.path("combo").path("count").asLong());
            assertEquals("Rose", first.path("combo").path("gift").path("name").asText());
            assertFalse(first.path("combo").path("ended").asBoolean());
            assertNotNull(first.path("combo").path("value").path("amount").textValue(), "money next to coins");

            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 3, Flows.key());
            JsonNode grown = next(client, warmCombo, 5);
            assertEquals("COMBO", grown.path("kind").asText());
            assertEquals(comboId, grown.path("combo").path("id").asText(), "the same combo grows");
            assertEquals(5, grown.path("combo").path("count").asLong());
            assertEquals(2, grown.path("combo").path("gifts").asInt());
            assertEquals(5, grown.path("combo").path("coins").asLong());

            // nothing more within the window (3 s) and its grace: the combo ends, with its total
            JsonNode ended = next(client, warmCombo, 8);
            assertEquals("COMBO_ENDED", ended.path("kind").asText());
            assertEquals(comboId, ended.path("combo").path("id").asText());
            assertEquals(5, ended.path("combo").path("count").asLong());
            assertTrue(ended.path("combo").path("ended").asBoolean());

            // past the window's edge: a new combo
            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
            JsonNode again = next(client, warmCombo, 5);
            assertEquals("COMBO", again.path("kind").asText());
            assertNotEquals(comboId, again.path("combo").path("id").asText());
            assertEquals(1, again.path("combo").path("count").asLong());
        }
        LedgerChecks.assertClean();
    }

    @Test
    void aStreamThatIsNotOneIsRefusedClearly() throws Exception {
        Viewer fan = Gifting.fundedViewer("activitybad", 1);
        for (String stream : new String[] { "' OR 1=1 --", "00000000-0000-4000-8000-00000000dead" }) {
            try (FeedClient client = FeedClient.connect(port, fan.token())) {
                assertNotNull(client.nextOf(10, "connection_ack"));
                client.subscribe("a", ACTIVITY, Map.of("s", stream));
                JsonNode reply = client.nextOf(5, "error", "next", "complete");
                assertNotNull(reply);
                // malformed or unknown, the id names no stream (SmallRye sends a subscription's failure as a "next" with errors)
                assertEquals("NOT_FOUND", reply.path("payload").path("errors").path(0).path("extensions").path("code").asText(), reply.toString());
                assertFalse(reply.toString().contains("Exception"), reply.toString());
            }
        }
    }

    /**
     * A subscription follows its stream to the end: once the stream ends, its last moments arrive and then the
     * subscription completes (it does not stay open on a feed that can say nothing more); one to a stream that has
     * already ended gives what was asked for (the gifts after a number) and completes. A stream or match that does not
     * exist is NOT_FOUND in the queries about it.
     */
    @Test
    void subscriptionsCompleteWhenTheirStreamEndsAndUnknownStreamsAndMatchesAreNotFound() throws Exception {
        LiveCreator creator = Gifting.liveCreator("streamends");
        Viewer fan = Gifting.fundedViewer("streamendsfan", 500);
        String end = "mutation($input: EndLiveStreamInput!) { endLiveStream(input: $input) { userErrors { code } } }";
        String gifts = "subscription($s: ID!, $after: BigInteger) { giftEvents(streamId: $s, after: $after) { id sequence } }";
        try (FeedClient client = FeedClient.connect(port, fan.token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("a", ACTIVITY, Map.of("s", creator.stream()));
            warmUp(client, fan, creator);
            client.subscribe("g", gifts, Map.of("s", creator.stream(), "after", 0));
            assertEquals(1, client.nextData("g", 5).path("giftEvents").path("sequence").asLong(), "the warm-up gift, read after 0");
            assertEquals(List.of(), Gql.ok(creator.token(), end, Gql.input("streamId", creator.stream())).getList("data.endLiveStream.userErrors"));
            java.util.Set<String> completed = new java.util.HashSet<>();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while (completed.size() < 2 && System.nanoTime() < deadline) {
                JsonNode m = client.nextOf(1, "complete", "error");
                if (m != null) {
                    assertEquals("complete", m.path("type").asText(), m.toString());
                    completed.add(m.path("id").asText());
                }
            }
            assertEquals(java.util.Set.of("a", "g"), completed, "both subscriptions completed after the stream ended");
        }
        try (FeedClient late = FeedClient.connect(port, fan.token())) {
            assertNotNull(late.nextOf(10, "connection_ack"));
            late.subscribe("g", gifts, Map.of("s", creator.stream(), "after", 0));
            assertEquals(1, late.nextData("g", 5).path("giftEvents").path("sequence").asLong(), "an ended stream's gifts after 0");
            JsonNode done = late.nextOf(10, "complete", "error", "next");
            assertNotNull(done, "the subscription to an ended stream completes");
            assertEquals("complete", done.path("type").asText(), done.toString());
            late.subscribe("a", ACTIVITY, Map.of("s", creator.stream()));
            JsonNode nothing = late.nextOf(10, "complete", "error", "next");
            assertNotNull(nothing, "an ended stream's activity completes at once");
            assertEquals("complete", nothing.path("type").asText(), nothing.toString());
        }
        String unknown = "00000000-0000-4000-8000-00000000dead";
        for (String id : new String[] { unknown, "not-an-id" }) {
            assertEquals("NOT_FOUND", Gql.errorCode(Gql.post(null, "query($s: ID!) { streamGoals(streamId: $s) { id } }", Gql.vars("s", id))), id);
            assertEquals("NOT_FOUND", Gql.errorCode(Gql.post(null, "query($id: ID!) { match(id: $id) { status } }", Gql.vars("id", id))), id);
            assertEquals("NOT_FOUND", Gql.errorCode(Gql.post(null, "query($s: ID!) { topGifters(streamId: $s) { coins } }", Gql.vars("s", id))), id);
        }
        assertEquals(List.of(), Gql.ok(null, "query($s: ID!) { streamGoals(streamId: $s) { id } }", Gql.vars("s", creator.stream()))
                .getList("data.streamGoals"), "a stream with no goals has none");
        LiveCreator quiet = Gifting.liveCreator("streamquiet");
        assertEquals(List.of(), Gql.ok(null, "query($s: ID!) { topGifters(streamId: $s) { coins } }", Gql.vars("s", quiet.stream()))
                .getList("data.topGifters"), "a stream nobody gave to has no top gifters");
    }

    /**
     * A room opened in the middle of a streak that began longer ago than the window shows the streak as a room that
     * watched it all does: the same id (its first gift's) and the whole count.
     */
    @Test
    void aRoomOpenedMidStreakShowsTheWholeStreak() throws Exception {
        LiveCreator creator = Gifting.liveCreator("midstreak");
        Viewer fan = Gifting.fundedViewer("midstreakfan", 500);
        String first = Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key()).getString("data.sendGift.receipt.id");
        int sent = 1;
        for (; sent < 5; sent++) {
            Thread.sleep(1000);
            assertNull(Gifting.code(Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key())));
        }
        try (FeedClient client = FeedClient.connect(port, fan.token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("a", ACTIVITY, Map.of("s", creator.stream()));
            JsonNode combo = null;
            for (int attempt = 0; attempt < 3 && combo == null; attempt++) {
                Thread.sleep(700);
                assertNull(Gifting.code(Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key())));
                sent++;
                JsonNode data = client.nextData("a", 2);
                combo = data == null ? null : data.path("streamActivity").path("combo");
            }
            assertNotNull(combo, "the room showed the streak's next gift");
            assertEquals(first, combo.path("id").asText(), "the streak's id is its first gift's, more than a window ago: " + combo);
            assertTrue(combo.path("count").asLong() >= 6, "the whole streak is counted: " + combo);
        }
    }

    @Test
    void anAnonymousStreakIsAnonymousAndSeparateFromTheSendersNamedGifts() throws Exception {
        LiveCreator creator = Gifting.liveCreator("anoncombo");
        Viewer fan = Gifting.fundedViewer("anoncombofan", 500);
        Viewer watcher = Gifting.fundedViewer("anoncombowatch", 500);
        try (FeedClient client = FeedClient.connect(port, watcher.token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("a", ACTIVITY, Map.of("s", creator.stream()));
            String warmCombo = warmUp(client, watcher, creator);
            Gql.ok(fan.token(), Gifting.SEND, Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1,
                    "idempotencyKey", Flows.key(), "anonymous", true));
            JsonNode anon = next(client, warmCombo, 5);
            assertEquals("Anonymous", anon.path("combo").path("senderName").asText());
            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
            JsonNode named = next(client, warmCombo, 5);
            assertNotEquals(anon.path("combo").path("id").asText(), named.path("combo").path("id").asText());
            assertFalse(named.path("combo").path("senderName").asText().equals("Anonymous"));
        }
    }

    @Test
    void goalProgressAndReachingItArriveAsTheyCommit() throws Exception {
        LiveCreator creator = Gifting.liveCreator("goallive");
        Viewer fan = Gifting.fundedViewer("goallivefan", 500);
        try (FeedClient client = FeedClient.connect(port, fan.token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("a", ACTIVITY, Map.of("s", creator.stream()));
            String warmCombo = warmUp(client, fan, creator);
            String goal = StreamGoalsTest.setGoal(creator, "Ten roses", "GIFT", Gifting.ROSE, 10).getString("data.setStreamGoal.goal.id");
            JsonNode set = next(client, warmCombo, 5);
            assertEquals("GOAL_SET", set.path("kind").asText());
            assertEquals(goal, set.path("goal").path("id").asText());

            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 4, Flows.key());
            Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 6, Flows.key());
            List<String> kinds = new ArrayList<>();
            long progress = 0;
            for (int i = 0; i < 10 && !kinds.contains("GOAL_REACHED"); i++) {
                JsonNode a = next(client, warmCombo, 5);
                assertNotNull(a, "activity after " + kinds);
                kinds.add(a.path("kind").asText());
                if (a.path("kind").asText().startsWith("GOAL")) {
                    progress = a.path("goal").path("progress").asLong();
                    assertNotNull(a.path("goal").path("value").path("amount").textValue(), "money next to coins");
                }
            }
            assertTrue(kinds.contains("GOAL_PROGRESS"), kinds.toString());
            assertTrue(kinds.contains("GOAL_REACHED"), kinds.toString());
            assertEquals(10, progress);

            Gql.ok(creator.token(), "mutation($i: EndStreamGoalInput!) { endStreamGoal(input: $i) { goal { id } userErrors { code } } }",
                    Gql.vars("i", Map.of("goalId", goal)));
            JsonNode ended = null;
            for (int i = 0; i < 5 && ended == null; i++) {
                JsonNode a = next(client, warmCombo, 5);
                if (a != null && "GOAL_ENDED".equals(a.path("kind").asText())) {
                    ended = a;
                }
            }
            assertNotNull(ended, "GOAL_ENDED");
            assertFalse(ended.path("goal").path("active").asBoolean());
        }
    }
}
