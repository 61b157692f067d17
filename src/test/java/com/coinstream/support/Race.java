package com.coinstream.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import io.restassured.response.Response;

/** Releases n requests at the same instant and collects their results. */
public final class Race {
    private Race() {
    }

    /**
     * Races {@code n} copies of one GraphQL operation over the instances listening on {@code ports} (request i goes to
     * {@code ports[i % ports.length]}), all released at the same instant: the helper every limit's concurrency test uses.
     */
    public static List<Response> acrossInstances(int n, int[] ports, String token, String query, IntFunction<Map<String, Object>> variables) {
        return run(n, i -> Gql.postTo(ports[i % ports.length], token, query, variables.apply(i)));
    }

    public static <T> List<T> run(int n, IntFunction<T> request) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return request.apply(index);
                }));
            }
            ready.await(30, TimeUnit.SECONDS);
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return results;
        } catch (Exception e) {
            throw new AssertionError("race failed", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
