package com.coinstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;
import com.coinstream.support.WebhookReceiver;
import com.coinstream.support.WebhookReceiver.Received;
import com.coinstream.webhooks.WebhookSignature;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * Webhooks sent by packaged instances on one database: two senders never send one event twice, and an event whose
 * sender is killed mid-delivery (after its change committed) is sent again by the next instance.
 */
@QuarkusIntegrationTest
@WithTestResource(WebhookInstances.class)
class WebhooksAcrossInstancesIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String CREATE = "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } secret userErrors { code message } } }";

    static String[] subscribe(String token, String url, List<String> types) {
        JsonPath r = Gql.ok(token, CREATE, Gql.vars("i", Map.of("url", url, "eventTypes", types)));
        assertEquals(List.of(), r.getList("data.createWebhookSubscription.userErrors"), r.prettify());
        return new String[] { r.getString("data.createWebhookSubscription.subscription.id"), r.getString("data.createWebhookSubscription.secret") };
    }

    /**
     * Delivery is at least once: an attempt that times out is sent again, although the receiver may have had it. On a busy
     * 2-core CI machine three JVMs can stall past the shared 1 s response timeout (one gift arrived twice in CI),
     * so the senders here wait long enough that any second sending would be a double claim, not a retry.
     */
    static final Map<String, String> PATIENT = Map.of("COINSTREAM_WEBHOOK_RESPONSE_TIMEOUT", "PT10S", "COINSTREAM_WEBHOOK_LEASE", "PT20S");

    @Test
    void twoSendingInstancesDeliverEveryGiftExactlyOnceInStreamOrder() throws Exception {
        LiveCreator[] creators = new LiveCreator[6];
        Viewer[] fans = new Viewer[12];
        for (int i = 0; i < creators.length; i++) {
            creators[i] = Gifting.liveCreator("itwh" + i);
        }
        for (int i = 0; i < fans.length; i++) {
            fans[i] = Gifting.fundedViewer("itwhfan" + i, 1000);
        }
        try (WebhookReceiver receiver = new WebhookReceiver().delay(Duration.ofMillis(3));
                SecondInstance b = WebhookInstances.sender(8091, PATIENT);
                SecondInstance c = WebhookInstances.sender(8092, PATIENT)) {
            Map<String, String> secrets = new HashMap<>();
            List<String> subscriptions = new ArrayList<>();
            for (LiveCreator creator : creators) {
                String[] created = subscribe(creator.token(), receiver.url(), List.of("gift.sent"));
                subscriptions.add(created[0]);
                secrets.put(creator.id(), created[1]);
            }
            String send = "mutation($input: SendGiftInput!) { sendGift(input: $input) { receipt { id } userErrors { code } } }";
            int[] ports = { RestAssured.port, b.port, c.port };
            List<JsonPath> sent = Race.run(360, i -> Gql.postTo(ports[i % 3], fans[i % fans.length].token(), send, Gql.input("streamId",
                    creators[i % creators.length].stream(), "giftId", Gifting.ROSE, "quantity", 1, "idempotencyKey", Flows.key())).jsonPath());
            assertTrue(sent.stream().allMatch(r -> r.getList("data.sendGift.userErrors").isEmpty()), "every gift accepted");

            WebhookReceiver.await(WAIT, () -> receiver.received().size() >= 360, "360 deliveries");
            Thread.sleep(2000); // anything sent twice would arrive by now
            List<Received> got = receiver.received();
            assertEquals(360, got.size(), "no gift sent twice");
            assertEquals(360, got.stream().map(Received::id).distinct().count());
            Map<String, List<Long>> perStream = new HashMap<>();
            for (Received r : got) {
                String creatorId = r.data().getString("creatorId");
                assertTrue(WebhookSignature.verify(secrets.get(creatorId), r.id(), r.timestamp(), r.signature(), r.body(),
                        Instant.now().getEpochSecond(), 300));
                perStream.computeIfAbsent(r.data().getString("streamId"), k -> new ArrayList<>()).add(r.data().getLong("streamSequence"));
            }
            perStream.values().forEach(seqs -> {
                List<Long> expected = new ArrayList<>();
                for (long s = 1; s <= 60; s++) {
                    expected.add(s);
                }
                assertEquals(expected, seqs, "each stream's gifts once, in order");
            });
            // (other ITs on this schema leave deliveries of their own: only this test's subscriptions are counted)
            String mine = "subscription_id in ('" + String.join("','", subscriptions) + "')";
            assertEquals(0, Db.number(ProdApp.SCHEMA, "select count(*) from webhook_delivery where " + mine + " and status <> 'DELIVERED'"));
            assertEquals(360, Db.number(ProdApp.SCHEMA, "select count(*) from webhook_delivery where " + mine + " and attempts = 1"), "no second attempt");
        }
    }

    @Test
    void anEventWhoseSenderIsKilledMidDeliveryIsSentByTheNextInstance() throws Exception {
        String admin = Tokens.admin("itwh-ops");
        CountDownLatch firstArrived = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        try (WebhookReceiver receiver = new WebhookReceiver().respond(r -> {
            if (calls.incrementAndGet() == 1) {
                firstArrived.countDown();
                sleep(15_000); // the first attempt hangs: its sender dies before any answer
            }
            return 204;
        })) {
            String[] sub = subscribe(admin, receiver.url(), List.of("account.hold_placed"));
            Viewer held = Gifting.fundedViewer("itwhheld", 10);
            // committed while no instance sends: written, waiting
            Gql.ok(admin, "mutation($i: PlaceHoldInput!) { placeHold(input: $i) { onHold userErrors { code } } }",
                    Gql.vars("i", Map.of("userId", held.id(), "reason", "crash test")));
            assertEquals(1, Db.number(ProdApp.SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid and status = 'PENDING'",
                    sub[0]));

            SecondInstance first = WebhookInstances.sender(8093);
            try {
                assertTrue(firstArrived.await(30, TimeUnit.SECONDS), "the first instance started sending");
            } finally {
                first.kill();
            }
            Map<String, Object> row = Db.rows(ProdApp.SCHEMA, "select status, attempts from webhook_delivery where subscription_id = ?::uuid", sub[0]).get(0);
            assertEquals("PENDING", row.get("status"), "killed mid-delivery: not settled");

            try (SecondInstance next = WebhookInstances.sender(8094)) {
                WebhookReceiver.await(WAIT, () -> Db.number(ProdApp.SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid "
                        + "and status = 'DELIVERED'", sub[0]) == 1, "delivered by the next instance");
            }
            List<Received> got = receiver.received().stream().filter(r -> r.id() != null).collect(Collectors.toList());
            assertTrue(got.size() >= 1);
            assertEquals(1, got.stream().map(Received::id).distinct().count(), "the same message, sent again");
            assertEquals(held.id(), got.get(got.size() - 1).data().getString("userId"));
            assertTrue(WebhookSignature.verify(sub[1], got.get(0).id(), got.get(0).timestamp(), got.get(0).signature(), got.get(0).body(),
                    Instant.now().getEpochSecond(), 300));
            assertEquals(2, Db.number(ProdApp.SCHEMA, "select attempts from webhook_delivery where subscription_id = ?::uuid", sub[0]));
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
