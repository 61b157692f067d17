package com.coinstream.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.vertx.mutiny.core.Vertx;

/** A receiver's name server that never answers holds one lookup thread of its own, and nothing else. */
@Tag("fast")
class EndpointLookupsTest {
    private final Vertx vertx = Vertx.vertx();
    private final CountDownLatch answer = new CountDownLatch(1);
    private final AtomicInteger started = new AtomicInteger();

    @AfterEach
    void close() {
        answer.countDown();
        vertx.closeAndAwait();
    }

    /** Names under "slow." hang until the test lets them answer; any other name answers at once. */
    private EndpointLookups lookups(int threads) {
        return new EndpointLookups(vertx, uri -> {
            started.incrementAndGet();
            if (uri.getHost().startsWith("slow.")) {
                try {
                    answer.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of(InetAddress.getLoopbackAddress());
        }, threads);
    }

    /** The failure a lookup ends with (await() wraps it). */
    private static void assertFails(Class<? extends Throwable> expected, io.smallrye.mutiny.Uni<?> lookup) {
        Throwable e = assertThrows(Throwable.class, () -> lookup.await().atMost(Duration.ofSeconds(5)));
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        assertTrue(expected.isInstance(cause), "expected " + expected.getSimpleName() + ", was " + cause);
    }

    @Test
    void aLookupThatNeverAnswersTimesOutAndHoldsOnlyItsHost() {
        EndpointLookups lookups = lookups(4);
        URI slow = URI.create("https://slow.attacker.example/hook");
        Duration timeout = Duration.ofMillis(200);
        assertFails(TimeoutException.class, lookups.resolve(slow, timeout));
        // the thread is still in its lookup: the same host is refused at once, without a second thread or a queue
        for (int i = 0; i < 20; i++) {
            assertFails(EndpointLookups.Busy.class, lookups.resolve(URI.create("https://SLOW.attacker.example./x"), timeout));
        }
        assertEquals(1, started.get());
        assertEquals(1, lookups.running());
        // another receiver is not held up
        assertEquals(List.of(InetAddress.getLoopbackAddress()),
                lookups.resolve(URI.create("https://hooks.example.com/x"), timeout).await().atMost(Duration.ofSeconds(5)));
        answer.countDown();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lookups.running() > 0 && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertEquals(0, lookups.running(), "the thread is given back when the lookup returns");
        assertEquals(List.of(InetAddress.getLoopbackAddress()), lookups.resolve(slow, timeout).await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void lookupsAreBoundedInAllAndAnAddressLiteralNeedsNone() {
        EndpointLookups lookups = lookups(3);
        Duration timeout = Duration.ofMillis(100);
        for (int i = 0; i < 3; i++) {
            URI host = URI.create("https://slow." + i + ".example/x");
            assertFails(TimeoutException.class, lookups.resolve(host, timeout));
        }
        assertEquals(3, lookups.running());
        assertFails(EndpointLookups.Busy.class, lookups.resolve(URI.create("https://hooks.example.com/x"), timeout));
        assertEquals(3, started.get(), "no lookup was queued behind the stuck ones");
        // a literal is its own address: no thread, no name server
        assertTrue(lookups.resolve(URI.create("https://93.184.216.34/x"), timeout).await().atMost(Duration.ofSeconds(1)).size() == 1);
        assertEquals(4, started.get());
    }
}
