package com.coinstream.gifting;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.coinstream.events.ClusterEvents;
import com.coinstream.support.Db;
import com.coinstream.support.Erasures;
import com.coinstream.support.FeedClient;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

@QuarkusTest
class GiftFeedTest {
    @Inject
    GiftFeed feed;
    @Inject
    ClusterEvents cluster;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    void awaitSubscribers(int atLeast) throws InterruptedException {
        for (int i = 0; i < 100 && feed.subscriberCount() < atLeast; i++) {
            Thread.sleep(50);
        }
        assertTrue(feed.subscriberCount() >= atLeast, "subscription never became live");
    }

    @Test
    void theRoomSeesCommittedGiftsAndTheCreatorsThanks() throws Exception {
        LiveCreator creator = Gifting.liveCreator("feed");
        Viewer viewer = Gifting.fundedViewer("feedfan", 100);
        int before = feed.subscriberCount();
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("watcher")))) {
            assertEquals("connection_ack", client.nextOf(5, "connection_ack").path("type").asText());
            client.subscribeGifts("1", creator.stream());
            awaitSubscribers(before + 1);

            String eventId = Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 2, Flows.key()).getString("data.sendGift.receipt.id");
            JsonNode next = client.nextOf(10, "next");
            assertNotNull(next, "no gift event arrived");
            JsonNode event = next.path("payload").path("data").path("giftEvents");
            assertEquals(eventId, event.path("id").asText());
            assertEquals(2, event.path("quantity").asInt());
            assertEquals(40, event.path("streamTotal").asLong());
            assertEquals("Perfume", event.path("gift").path("name").asText());

            // refused gifts are never published
            Gifting.send(viewer.token(), creator.stream(), Gifting.GALAXY, 1, Flows.key());
            // the creator's thanks is published as the same event, acknowledged
            var ack = Gql.ok(creator.token(), "mutation($input: AcknowledgeGiftInput!) { acknowledgeGift(input: $input) { giftEvent { id acknowledgedAt } userErrors { code } } }",
                    Gql.input("giftEventId", eventId));
            assertNotNull(ack.getString("data.acknowledgeGift.giftEvent.acknowledgedAt"));
            JsonNode thanked = client.nextOf(10, "next").path("payload").path("data").path("giftEvents");
            assertEquals(eventId, thanked.path("id").asText());
            assertNotEquals("null", thanked.path("acknowledgedAt").asText());
            String receipts = "{ giftReceipts(first: 1) { nodes { id acknowledgedAt } } }";
            assertNotNull(Gql.ok(viewer.token(), receipts).getString("data.giftReceipts.nodes[0].acknowledgedAt"));
            // thanked again, five at once (a double click, a retry): the same answer, and no second event on the feed
            List<String> again = Race.run(5, i -> Gql.ok(creator.token(), "mutation($input: AcknowledgeGiftInput!) { acknowledgeGift(input: $input) "
                    + "{ giftEvent { acknowledgedAt } } }", Gql.input("giftEventId", eventId)).getString("data.acknowledgeGift.giftEvent.acknowledgedAt"));
            assertEquals(java.util.Set.of(ack.getString("data.acknowledgeGift.giftEvent.acknowledgedAt")), java.util.Set.copyOf(again));
            String rose = Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, Flows.key()).getString("data.sendGift.receipt.id");
            assertEquals(rose, client.nextOf(10, "next").path("payload").path("data").path("giftEvents").path("id").asText(),
                    "the next event on the feed is the next gift");
        }
        // a client that disconnects leaves nothing behind
        for (int i = 0; i < 100 && feed.subscriberCount() > before; i++) {
            Thread.sleep(50);
        }
        assertEquals(before, feed.subscriberCount());
    }

    @Test
    void aSubscriptionFromASequenceNumberGetsWhatWasCommittedSinceThenLiveOnesEachOnceInOrder() throws Exception {
        LiveCreator creator = Gifting.liveCreator("feedafter");
        Viewer viewer = Gifting.fundedViewer("feedafterfan", 100);
        for (int i = 0; i < 3; i++) {
            Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
        }
        int before = feed.subscriberCount();
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("latecomer")))) {
            client.nextOf(5, "connection_ack");
            // the page read up to sequence 1; gifts 2 and 3 were committed before the subscription went live
            client.subscribe("1", "subscription($s: ID!, $a: BigInteger) { giftEvents(streamId: $s, after: $a) { sequence } }",
                    java.util.Map.of("s", creator.stream(), "a", 1));
            assertEquals(2, client.nextData("1", 10).path("giftEvents").path("sequence").asLong());
            assertEquals(3, client.nextData("1", 10).path("giftEvents").path("sequence").asLong());
            awaitSubscribers(before + 1);
            String fourth = Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, Flows.key()).getString("data.sendGift.receipt.id");
            assertEquals(4, client.nextData("1", 10).path("giftEvents").path("sequence").asLong());
            // the creator's thanks comes again on it, as on a subscription without `after`
            Gql.ok(creator.token(), "mutation($input: AcknowledgeGiftInput!) { acknowledgeGift(input: $input) { userErrors { code } } }",
                    Gql.input("giftEventId", fourth));
            assertEquals(4, client.nextData("1", 10).path("giftEvents").path("sequence").asLong(), "the thanked gift again");
            // a negative position is refused with a code, not INTERNAL
            client.subscribe("2", "subscription($s: ID!, $a: BigInteger) { giftEvents(streamId: $s, after: $a) { sequence } }",
                    java.util.Map.of("s", creator.stream(), "a", -1));
            JsonNode refused = client.nextOf(10, "error", "next");
            assertEquals("BAD_USER_INPUT", refused.path("payload").path("errors").path(0).path("extensions").path("code").asText(), refused.toString());
        }
    }

    /**
     * A gift is announced after its batch commits, from the notify pool: an erasure waiting on the sender's lock can commit
     * in between. The room then sees the pseudonym, never the name the gift was sent under (README "Privacy model", live
     * feed, erased). The late notification is sent here as the pool sends it, after the erasure, so the order is certain.
     */
    @Test
    void aGiftAnnouncedAfterItsSendersErasureCarriesThePseudonym() throws Exception {
        Seen seen = namedGiftSeen("feederased");
        try (FeedClient client = seen.client()) {
            Erasures.erase(seen.senderToken());
            String pseudonym = String.valueOf(Db.rows(Db.TEST_SCHEMA, "select display_name from app_user where id = ?", seen.senderId()).get(0)
                    .get("display_name"));
            assertTrue(pseudonym.startsWith("Erased user "), pseudonym);
            // the gift's notification as GiftFeed.announce writes it, and an anonymous gift of the same sender
            JsonObject named = seen.notice(seen.sent().path("id").asText(), 0);
            JsonObject anonymous = named.copy().put("id", UUID.randomUUID().toString()).put("sequence", seen.sent().path("sequence").asLong() + 1)
                    .put("senderName", "Anonymous").put("anonymous", true);
            cluster.publish(ClusterEvents.GIFTS, new JsonArray().add(named).add(anonymous).encode()).await().atMost(Duration.ofSeconds(10));

            JsonNode late = client.nextData("1", 10).path("giftEvents");
            assertEquals(seen.sent().path("id").asText(), late.path("id").asText());
            assertEquals(pseudonym, late.path("senderName").asText(), "the room never sees the erased sender's name again");
            assertEquals("Anonymous", client.nextData("1", 10).path("giftEvents").path("senderName").asText(), "an anonymous gift stays Anonymous");
        }
    }

    /**
     * Another instance's erasure, heard of only through its own notice (sent in its transaction), followed at once by the
     * notice of a gift sent before it: every instance hears the erasure first and names the gift by the pseudonym; a read
     * of the person's row, started by the notice, would still be under way.
     */
    @Test
    void anErasureNoticeIsTakenBeforeTheGiftNoticesQueuedAfterIt() throws Exception {
        Seen seen = namedGiftSeen("feedorder");
        try (FeedClient client = seen.client()) {
            String pseudonym = com.coinstream.identity.ErasedAccounts.newPseudonym();
            // the erasure as another instance commits it: its row and its notice, in one transaction
            Db.rows(Db.TEST_SCHEMA, "with u as (update app_user set display_name = ?, erased_at = now() where id = ? returning id) "
                    + "select 1 from (select pg_notify(?, ?) from u) n", pseudonym, seen.senderId(), ClusterEvents.ERASURES,
                    com.coinstream.identity.ErasedAccounts.notice(seen.senderId(), pseudonym));
            JsonObject named = seen.notice(UUID.randomUUID().toString(), 1);
            cluster.publish(ClusterEvents.GIFTS, new JsonArray().add(named).encode()).await().atMost(Duration.ofSeconds(10));
            assertEquals(pseudonym, client.nextData("1", 10).path("giftEvents").path("senderName").asText());
        }
    }

    /** A named sender's gift of one Perfume, as a watcher subscribed to its stream saw it (the client is the caller's to close). */
    private record Seen(LiveCreator creator, String senderId, String senderToken, String realName, FeedClient client, JsonNode sent) {
        /** That sender's gift notification as GiftFeed.announce writes it, {@code later} gifts after the one seen. */
        JsonObject notice(String id, int later) {
            return new JsonObject().put("id", id).put("streamId", creator.stream()).put("sequence", sent.path("sequence").asLong() + later)
                    .put("giftId", Gifting.PERFUME).put("giftName", "Perfume").put("unitCoins", 20).put("quantity", 1).put("coins", 20)
                    .put("senderName", realName).put("senderId", senderId).put("anonymous", false)
                    .put("streamTotal", sent.path("streamTotal").asLong() + 20L * later).put("createdAt", sent.path("createdAt").asText());
        }
    }

    private Seen namedGiftSeen(String prefix) throws Exception {
        LiveCreator creator = Gifting.liveCreator(prefix);
        String senderId = Tokens.unique(prefix + "fan");
        String realName = "Realname " + senderId.substring(senderId.length() - 8);
        String senderToken = Tokens.builder(senderId, Set.of("viewer"), Tokens.ADULT, "US").claim("name", realName).sign(Tokens.key());
        Flows.fund(senderId, senderToken, 100);
        int before = feed.subscriberCount();
        FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique(prefix + "watcher")));
        try {
            assertNotNull(client.nextOf(5, "connection_ack"));
            client.subscribe("1", "subscription($s: ID!) { giftEvents(streamId: $s) { id sequence senderName streamTotal createdAt } }",
                    Map.of("s", creator.stream()));
            awaitSubscribers(before + 1);
            Gifting.send(senderToken, creator.stream(), Gifting.PERFUME, 1, Flows.key());
            JsonNode sent = client.nextData("1", 10).path("giftEvents");
            assertEquals(realName, sent.path("senderName").asText(), "named, before the erasure");
            return new Seen(creator, senderId, senderToken, realName, client, sent);
        } catch (Exception | AssertionError e) {
            client.close();
            throw e;
        }
    }

    @Test
    void onlyTheStreamsCreatorCanAcknowledge() {
        LiveCreator creator = Gifting.liveCreator("ackown");
        LiveCreator other = Gifting.liveCreator("ackother");
        Viewer viewer = Gifting.fundedViewer("ackfan", 100);
        String eventId = Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 1, Flows.key()).getString("data.sendGift.receipt.id");
        String ack = "mutation($input: AcknowledgeGiftInput!) { acknowledgeGift(input: $input) { giftEvent { id } userErrors { code } } }";
        assertEquals("NOT_FOUND", Gql.ok(other.token(), ack, Gql.input("giftEventId", eventId)).getString("data.acknowledgeGift.userErrors[0].code"));
        assertEquals("NOT_FOUND", Gql.ok(creator.token(), ack, Gql.input("giftEventId", "nope")).getString("data.acknowledgeGift.userErrors[0].code"));
        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(viewer.token(), ack, Gql.input("giftEventId", eventId))));
    }

    @Test
    void subscriptionsNeedAToken() throws Exception {
        LiveCreator creator = Gifting.liveCreator("anonfeed");
        try (FeedClient client = FeedClient.connect(port, null)) {
            client.nextOf(5, "connection_ack");
            client.subscribeGifts("1", creator.stream());
            JsonNode reply = client.nextOf(10, "error", "next", "closed", "complete");
            assertNotNull(reply, "anonymous subscription got no answer");
            assertTrue(reply.toString().contains("UNAUTHENTICATED") || "closed".equals(reply.path("type").asText()), reply.toString());
        }
    }
}
