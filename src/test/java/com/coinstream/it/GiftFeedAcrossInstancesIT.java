package com.coinstream.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

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

/**
 * Two instances of the packaged app (prod profile) on one database: a gift accepted by instance A
 * reaches a subscriber connected to instance B, through PostgreSQL LISTEN/NOTIFY.
 */
@QuarkusIntegrationTest
@WithTestResource(ProdApp.class)
class GiftFeedAcrossInstancesIT {

    @Test
    void aGiftSentThroughOneInstanceReachesASubscriberOnAnother() throws Exception {
        String admin = Tokens.admin();
        String gift = Gql.ok(admin, "mutation { createGift(input: {name: \"Rose\", coins: 1, tier: 1, animationKey: \"gifts/rose\"}) { gift { id } } }")
                .getString("data.createGift.gift.id");
        LiveCreator creator = Gifting.liveCreator("multi");
        Viewer viewer = Gifting.fundedViewer("multifan", 100);

        try (SecondInstance b = SecondInstance.start(8093);
                FeedClient client = FeedClient.connect(b.port, Tokens.viewer(Tokens.unique("watcher")))) {
            assertNotNull(client.nextOf(10, "connection_ack"), "instance B did not accept the subscription connection");
            client.subscribeGifts("1", creator.stream());
            Set<String> sent = new HashSet<>();
            JsonNode received = null;
            // The subscription goes live asynchronously on B: keep sending on A until B relays one.
            for (int attempt = 0; attempt < 10 && received == null; attempt++) {
                sent.add(Gifting.send(viewer.token(), creator.stream(), gift, 1, Flows.key()).getString("data.sendGift.receipt.id"));
                received = client.nextOf(2, "next");
            }
            assertNotNull(received, "instance B never relayed a gift accepted by instance A");
            String id = received.path("payload").path("data").path("giftEvents").path("id").asText();
            assertTrue(sent.contains(id), "unexpected event " + received);
        }
    }
}
