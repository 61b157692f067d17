package com.coinstream.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/** A receiver's name server that never answers holds one lookup thread of its own, now and then, and nothing else. */
@Tag("fast")
class EndpointLookupsTest {
    private final Vertx vertx = Vertx.vertx();
    private final CountDownLatch answer = new CountDownLatch(1);
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong();
    /** The timeout of a lookup expected to answer: long, so a stalled machine is never taken for a slow name server. */
    private static final Duration ANSWERS = Duration.ofSeconds(5);

    @AfterEach
    void close() {
        answer.countDown();
        vertx.closeAndAwait();
    }

    /** Names under "slow." hang until the test lets them answer; any other name answers at once. */
    private EndpointLookups.Lookups lookups(int threads) {
        return new EndpointLookups.Lookups(vertx, uri -> {
            started.incrementAndGet();
            if (uri.getHost().startsWith("private.")) {
                throw new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.ENDPOINT_NOT_ALLOWED, EndpointPolicy.UNREACHABLE);
            }
            if (uri.getHost().startsWith("slow.")) {
                try {
                    answer.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of(InetAddress.getLoopbackAddress());
        }, threads, clock::get);
    }

    /** The failure a lookup ends with (await() wraps a checked one). */
    private static void assertFails(Class<? extends Throwable> expected, Uni<?> lookup) {
        Throwable e = assertThrows(Throwable.class, () -> lookup.await().atMost(Duration.ofSeconds(5)));
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        assertTrue(expected.isInstance(cause), "expected " + expected.getSimpleName() + ", was " + cause);
    }

    /** Waits (at most 5 s) until {@code count} lookups have started on their threads. */
    private void awaitStarted(int count) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (started.get() < count && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertEquals(count, started.get());
    }

    private static void awaitNoneRunning(EndpointLookups.Lookups lookups) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lookups.running() > 0 && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertEquals(0, lookups.running(), "the thread is given back when the lookup returns");
    }

    @Test
    void aLookupThatNeverAnswersTimesOutAndIsNotTriedAgainForAWhile() {
        EndpointLookups.Lookups lookups = lookups(4);
        URI slow = URI.create("https://slow.attacker.example/hook");
        Duration timeout = Duration.ofMillis(200);
        assertFails(TimeoutException.class, lookups.resolve(slow, timeout));
        // the host is remembered as slow: its next attempts time out at once, without a thread, however it is spelled
        for (int i = 0; i < 20; i++) {
            assertFails(TimeoutException.class, lookups.resolve(URI.create("https://SLOW.attacker.example./x"), timeout));
        }
        awaitStarted(1);
        assertEquals(1, lookups.running());
        // another receiver is not held up
        assertEquals(List.of(InetAddress.getLoopbackAddress()),
                lookups.resolve(URI.create("https://hooks.example.com/x"), ANSWERS).await().atMost(Duration.ofSeconds(5)));
        answer.countDown();
        awaitNoneRunning(lookups);
        // after a minute it is looked up again
        clock.addAndGet(EndpointLookups.SLOW_HOST_MEMORY.toNanos() + 1);
        assertEquals(List.of(InetAddress.getLoopbackAddress()), lookups.resolve(slow, ANSWERS).await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void callersOfOneHostShareItsLookup() throws Exception {
        EndpointLookups.Lookups lookups = lookups(2);
        URI host = URI.create("https://slow.shared.example/x");
        List<CompletableFuture<List<InetAddress>>> waiting = List.of(
                lookups.resolve(host, Duration.ofSeconds(10)).subscribeAsCompletionStage(),
                lookups.resolve(host, Duration.ofSeconds(10)).subscribeAsCompletionStage(),
                lookups.resolve(URI.create("https://slow.shared.example./y"), Duration.ofSeconds(10)).subscribeAsCompletionStage());
        awaitStarted(1);
        answer.countDown();
        for (CompletableFuture<List<InetAddress>> w : waiting) {
            assertEquals(List.of(InetAddress.getLoopbackAddress()), w.get(5, TimeUnit.SECONDS));
        }
        assertEquals(1, started.get(), "one lookup answered all three");
        awaitNoneRunning(lookups);
    }

    @Test
    void oneCallerGivingUpCancelsNothingTheOthersWaitForAndARefusalArrivesAsItself() throws Exception {
        EndpointLookups.Lookups lookups = lookups(2);
        URI host = URI.create("https://slow.patient.example/x");
        CompletableFuture<List<InetAddress>> patient = lookups.resolve(host, Duration.ofSeconds(10)).subscribeAsCompletionStage();
        assertFails(TimeoutException.class, lookups.resolve(host, Duration.ofMillis(100)));
        answer.countDown();
        assertEquals(List.of(InetAddress.getLoopbackAddress()), patient.get(5, TimeUnit.SECONDS));
        assertFails(com.coinstream.domain.Refusal.class, lookups.resolve(URI.create("https://private.example/x"), Duration.ofSeconds(1)));
        awaitNoneRunning(lookups);
    }

    @Test
    void lookupsAreBoundedInAllAndAnAddressLiteralNeedsNone() {
        EndpointLookups.Lookups lookups = lookups(3);
        Duration timeout = Duration.ofMillis(100);
        for (int i = 0; i < 3; i++) {
            assertFails(TimeoutException.class, lookups.resolve(URI.create("https://slow." + i + ".example/x"), timeout));
        }
        assertEquals(3, lookups.running());
        assertFails(EndpointLookups.Busy.class, lookups.resolve(URI.create("https://hooks.example.com/x"), timeout));
        awaitStarted(3); // and no more: no lookup was queued behind the stuck ones
        // a literal is its own address: no thread, no name server
        assertEquals(1, lookups.resolve(URI.create("https://93.184.216.34/x"), ANSWERS).await().atMost(Duration.ofSeconds(1)).size());
        assertEquals(4, started.get());
        answer.countDown();
        awaitNoneRunning(lookups);
    }

    /**
     * One owner holds one lookup thread at a time: new names under a silent name server (each a new host, which the memory
     * of slow hosts cannot catch) are refused while theirs still waits, and only theirs; the thread given back frees them.
     */
    @Test
    void oneOwnerHoldsOneLookupThreadWhateverNamesItTries() {
        EndpointLookups.Lookups lookups = lookups(8);
        Duration timeout = Duration.ofMillis(200);
        assertFails(TimeoutException.class, lookups.resolve(URI.create("https://slow.a1.attacker.example/x"), timeout, "mallory"));
        for (int i = 2; i < 20; i++) {
            assertFails(EndpointLookups.Busy.class, lookups.resolve(URI.create("https://slow.a" + i + ".attacker.example/x"), timeout, "mallory"));
        }
        assertEquals(1, lookups.running(), "one thread, however many names");
        awaitStarted(1);
        // someone else is not held up by it, and an address needs no lookup
        assertEquals(List.of(InetAddress.getLoopbackAddress()),
                lookups.resolve(URI.create("https://hooks.example.com/x"), ANSWERS, "alice").await().atMost(Duration.ofSeconds(5)));
        lookups.resolve(URI.create("https://93.184.216.34/x"), ANSWERS, "mallory").await().atMost(Duration.ofSeconds(5));
        answer.countDown(); // the name server answers at last: the thread is given back, and with it the owner's turn
        awaitNoneRunning(lookups);
        assertEquals(List.of(InetAddress.getLoopbackAddress()),
                lookups.resolve(URI.create("https://slow.a99.attacker.example/x"), ANSWERS, "mallory").await().atMost(Duration.ofSeconds(5)));
    }

    /**
     * Deliveries name their subscription's owner too: one owner whose names hang (as many as they like, each a new host)
     * holds one thread, and the other owners' deliveries go on; a host answered a moment ago needs no thread and no turn,
     * so an owner's other endpoints are not held up behind their slow one once known, until the answer is 30 s old.
     */
    @Test
    void oneOwnersHangingNamesLeaveTheThreadsToOthersAndAFreshAnswerNeedsNoTurn() {
        EndpointLookups.Lookups lookups = lookups(3);
        Duration timeout = Duration.ofMillis(200);
        assertEquals(List.of(InetAddress.getLoopbackAddress()),
                lookups.resolve(URI.create("https://hooks.mallory.example/x"), ANSWERS, "mallory").await().atMost(Duration.ofSeconds(5)));
        int looked = started.get();
        for (int i = 0; i < 10; i++) {
            lookups.resolve(URI.create("https://slow.m" + i + ".attacker.example/x"), timeout, "mallory").subscribe().with(a -> { }, e -> { });
        }
        assertEquals(1, lookups.running(), "one thread for all of one owner's hanging names");
        awaitStarted(looked + 1); // the hanging lookup is counted once its thread runs it, which may be a moment later
        for (int owner = 0; owner < 5; owner++) {
            assertEquals(List.of(InetAddress.getLoopbackAddress()), lookups.resolve(URI.create("https://hooks" + owner + ".example.com/x"), ANSWERS,
                    "owner" + owner).await().atMost(Duration.ofSeconds(5)), "another owner's delivery goes on");
        }
        int before = started.get();
        assertEquals(List.of(InetAddress.getLoopbackAddress()),
                lookups.resolve(URI.create("https://hooks.mallory.example/y"), ANSWERS, "mallory").await().atMost(Duration.ofSeconds(5)),
                "answered a moment ago: no lookup, no turn");
        assertEquals(before, started.get());
        assertTrue(looked >= 1);
        clock.addAndGet(EndpointLookups.ANSWER_MEMORY.toNanos());
        assertFails(EndpointLookups.Busy.class, lookups.resolve(URI.create("https://hooks.mallory.example/z"), timeout, "mallory"));
        answer.countDown();
        awaitNoneRunning(lookups);
    }
}
