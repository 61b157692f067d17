package com.coinstream.gifting;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.coinstream.support.FeedClient;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A subscription whose client has gone leaves nothing on the heap, even on a stream where nothing happens (no event
 * ever comes to find the connection closed). SmallRye GraphQL chained every WebSocket operation's context to the one
 * before on the event loop's thread, so every closed connection stayed reachable: a client opening and closing
 * subscriptions to a quiet stream could fill the heap (ForgetFinishedExecutions).
 */
@QuarkusTest
class ClosedSubscriptionsAreCollectedTest {
    static final String SOCKET = "io.vertx.core.http.impl.ServerWebSocketImpl";
    static final int CLIENTS = 40;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void closedSubscriptionsToAQuietStreamAreCollected() throws Exception {
        LiveCreator quiet = Gifting.liveCreator("quietfeed");
        String viewer = Tokens.viewer(Tokens.unique("comesandgoes"));
        Gql.ok(viewer, "{ me { id } }");
        int before = live(SOCKET);
        for (int i = 0; i < CLIENTS; i++) {
            try (FeedClient client = FeedClient.connect(port, viewer)) {
                assertNotNull(client.nextOf(10, "connection_ack"));
                client.subscribeGifts("g", quiet.stream());
                client.sendRaw("{\"type\":\"ping\"}");
                assertNotNull(client.nextOf(10, "pong"), "the subscribe message was handled before the pong");
            }
        }
        int left = Integer.MAX_VALUE;
        for (int attempt = 0; attempt < 40 && left > 8; attempt++) { // the closes arrive asynchronously
            Thread.sleep(250);
            left = live(SOCKET) - before;
        }
        assertTrue(left <= 8, left + " of " + CLIENTS + " closed WebSocket connections are still on the heap (at most one per event loop may be)");
    }

    /** Live instances of {@code className} after a full collection (the JVM's own class histogram). */
    static int live(String className) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] { new String[0] }, new String[] { String[].class.getName() });
        Matcher m = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "\\s*$", Pattern.MULTILINE).matcher(histogram);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
