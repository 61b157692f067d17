package com.coinstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;
import com.coinstream.support.WebhookReceiver;
import com.coinstream.support.WebhookReceiver.Behaviour;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * Webhook receivers that try to take the service down: one streams a body that never ends, one never answers, one
 * drips a byte a second. The sending instance runs under the container image's own JVM options (a 144 MB heap): its
 * API stays responsive, its memory stays bounded, and SIGTERM still stops it within the documented 10 s.
 */
@QuarkusIntegrationTest
@WithTestResource(WebhookInstances.class)
class UntrustedReceiversIT {
    static final int SENDER = 8097;
    static final Duration GRACE = Duration.ofSeconds(10);

    /** The container image's JVM options (docker/Dockerfile.jvm), but its AOT cache, which only the image has. */
    static List<String> imageOptions() throws Exception {
        Matcher m = Pattern.compile("ENV JVM_OPTIONS=\"([^\"]+)\"").matcher(Files.readString(Path.of("docker/Dockerfile.jvm")));
        assertTrue(m.find(), "docker/Dockerfile.jvm sets JVM_OPTIONS");
        return Arrays.stream(m.group(1).trim().split("\\s+")).filter(o -> !o.startsWith("-XX:AOTCache") && !o.startsWith("-XX:SharedArchiveFile")).toList();
    }

    @Test
    void hostileReceiversNeitherExhaustTheHeapNorStallTheApiNorBlockShutdown() throws Exception {
        Map<String, String> settings = new HashMap<>(WebhookInstances.SETTINGS);
        settings.put("COINSTREAM_GIFTS_SLOT_OFFSET", "700");
        try (WebhookReceiver endless = new WebhookReceiver().behave(Behaviour.ENDLESS_BODY);
                WebhookReceiver silent = new WebhookReceiver().behave(Behaviour.NEVER_ANSWER);
                WebhookReceiver drip = new WebhookReceiver().behave(Behaviour.DRIP)) {
            String admin = Tokens.admin();
            List<String> subscriptions = new ArrayList<>();
            for (WebhookReceiver r : List.of(endless, silent, drip)) {
                subscriptions.add(Gql.ok(admin, "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) "
                        + "{ subscription { id } userErrors { code } } }", Gql.vars("i", Map.of("url", r.url(), "eventTypes",
                                List.of("purchase.succeeded")))).getString("data.createWebhookSubscription.subscription.id"));
            }
            SecondInstance sender = SecondInstance.start(SENDER, settings, Set.of(), imageOptions());
            boolean stopped = false;
            try {
                for (int i = 0; i < 20; i++) {
                    assertEquals("SUCCEEDED", Flows.buyPackage(Tokens.viewer(Tokens.unique("hostilehook")), Flows.PKG_70, "pm_card_ok", Flows.key())
                            .getString("data.purchaseCoins.purchase.status"));
                }
                Gql.postTo(SENDER, null, "{ rates { version } }", null); // the first answer of a new JVM is not timed
                long worst = 0;
                long peakKib = 0;
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    var r = Gql.postTo(SENDER, null, "{ rates { version } }", null);
                    worst = Math.max(worst, (System.nanoTime() - t0) / 1_000_000);
                    assertEquals(200, r.statusCode(), r.asString());
                    peakKib = Math.max(peakKib, sender.residentKib());
                    Thread.sleep(200);
                }
                assertTrue(sender.alive());
                assertTrue(worst < 2000, "the API answered within 2 s throughout, worst " + worst + " ms");
                assertTrue(peakKib < 400 * 1024, "resident memory stayed bounded: " + peakKib + " KiB");
                long endlessDelivered = Db.number(ProdApp.SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid "
                        + "and status = 'DELIVERED'", subscriptions.get(0));
                assertTrue(endlessDelivered > 0, "an endless body is cut at 4 KiB; its 200 counts");
                long timedOut = Db.number(ProdApp.SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid "
                        + "and last_error = 'timed out'", subscriptions.get(1));
                assertTrue(timedOut > 0, "a silent receiver's attempts time out and are retried");
                assertTrue(endless.received().size() > 0 && silent.received().size() > 0 && drip.received().size() > 0);
                String log = Files.readString(Path.of("target/second-instance-" + SENDER + ".log"));
                assertFalse(log.contains("OutOfMemoryError"), "no OutOfMemoryError");
                for (String id : subscriptions) { // the receivers close with this test: nothing is left for later ones to send
                    Gql.ok(admin, "mutation($i: DeleteWebhookSubscriptionInput!) { deleteWebhookSubscription(input: $i) { userErrors { code } } }",
                            Gql.vars("i", Map.of("subscriptionId", id)));
                }
                stopped = sender.terminate(GRACE);
                assertTrue(stopped, "SIGTERM stopped the service within " + GRACE + " while receivers still held connections");
            } finally {
                if (!stopped) {
                    sender.kill();
                }
            }
        }
    }
}
