package com.coinstream.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A listening connection that stops hearing without closing (a NAT or a failover dropping it silently) is found by the
 * heartbeat and replaced: notifications arrive again, with no outage of the database and no restart.
 */
@QuarkusTest
class ListeningHeartbeatTest {
    @Inject
    ClusterEvents events;

    @Test
    void aDeafListeningConnectionIsFoundAndReplaced() throws Exception {
        Set<String> heard = ConcurrentHashMap.newKeySet();
        events.on(ClusterEvents.ACTIVITY, heard::add);
        String before = "heartbeat-" + UUID.randomUUID();
        events.publish(ClusterEvents.ACTIVITY, before).await().indefinitely();
        assertTrue(waitFor(() -> heard.contains(before), 5), "heard while listening");

        events.deafen().await().indefinitely();
        String deaf = "heartbeat-" + UUID.randomUUID();
        events.publish(ClusterEvents.ACTIVITY, deaf).await().indefinitely();
        Thread.sleep(500);
        assertFalse(heard.contains(deaf), "the connection is deaf");

        // three beats of the test profile's 1 s without hearing itself, then it listens again
        String after = "heartbeat-" + UUID.randomUUID();
        assertTrue(waitFor(() -> {
            events.publish(ClusterEvents.ACTIVITY, after).await().indefinitely();
            return heard.contains(after);
        }, 15), "heard again once the heartbeat replaced the connection");
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(200);
        }
        return condition.getAsBoolean();
    }
}
