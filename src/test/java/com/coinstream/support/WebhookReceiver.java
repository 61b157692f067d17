package com.coinstream.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.vertx.core.json.JsonObject;

/**
 * A real HTTP endpoint on loopback that receives webhooks: it keeps every request (headers and body, as sent) and answers
 * with the status the test chooses, after an optional delay.
 */
public final class WebhookReceiver implements AutoCloseable {
    public record Received(String id, String timestamp, String signature, String body, Instant at) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public JsonObject data() {
            return json().getJsonObject("data");
        }

        public String type() {
            return json().getString("type");
        }
    }

    /** How the receiver answers: as a well-behaved endpoint, or as a hostile one. */
    public enum Behaviour {
        /** The chosen status, after the chosen delay, with no body. */
        NORMAL,
        /** 200, then a body that never ends (as fast as the connection takes it). */
        ENDLESS_BODY,
        /** Reads the request and never answers. */
        NEVER_ANSWER,
        /** 200, then one byte of body a second, forever. */
        DRIP
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile ToIntFunction<Received> status = r -> 204;
    private volatile Duration delay = Duration.ZERO;
    private volatile Behaviour behaviour = Behaviour.NORMAL;
    private volatile String location;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 400);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(128));
        server.start();
    }

    /**
     * A request is open from its arrival until its answer starts: the sender holds its attempt at least that long (it
     * settles after reading the answer), so this count never exceeds the sender's. Counting until the handler's thread
     * is done would also count an answered request whose thread has not yet run on, while the sender has moved on.
     */
    private void handle(HttpExchange exchange) throws IOException {
        mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        AtomicBoolean answering = new AtomicBoolean();
        try {
            answer(exchange, () -> {
                if (answering.compareAndSet(false, true)) {
                    open.decrementAndGet();
                }
            });
        } finally {
            if (answering.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        }
    }

    private void answer(HttpExchange exchange, Runnable answering) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        var h = exchange.getRequestHeaders();
        Received r = new Received(h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"), h.getFirst("webhook-signature"), body,
                Instant.now());
        int code = status.applyAsInt(r);
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        received.add(r);
        answering.run();
        switch (behaviour) {
            case NORMAL -> {
                if (location != null) {
                    exchange.getResponseHeaders().set("Location", location);
                }
                exchange.sendResponseHeaders(code, -1);
                exchange.close();
            }
            case ENDLESS_BODY -> hostile(exchange, 64 * 1024, 0);
            case DRIP -> hostile(exchange, 1, 1000);
            case NEVER_ANSWER -> hostile(exchange, 0, 0);
        }
    }

    /** Writes {@code chunk} bytes every {@code pauseMillis} until the sender hangs up (or, for 0 bytes, waits for that). */
    private static void hostile(HttpExchange exchange, int chunk, long pauseMillis) {
        try {
            if (chunk > 0) {
                exchange.sendResponseHeaders(200, 0);
            }
            byte[] bytes = new byte[Math.max(1, chunk)];
            java.util.Arrays.fill(bytes, (byte) 'x');
            var out = exchange.getResponseBody();
            long end = System.nanoTime() + (chunk == 0 ? Duration.ofSeconds(30) : Duration.ofMinutes(2)).toNanos();
            while (System.nanoTime() < end) {
                if (chunk > 0) {
                    out.write(bytes);
                    out.flush();
                }
                if (pauseMillis > 0 || chunk == 0) {
                    Thread.sleep(chunk == 0 ? 200 : pauseMillis);
                }
            }
        } catch (IOException e) {
            // the sender hung up: what a bounded client does
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    /** Answers with a Location header naming {@code url} (with a 3xx status from {@link #respond}: a redirect). */
    public WebhookReceiver redirectTo(String url) {
        this.location = url;
        return this;
    }

    public WebhookReceiver behave(Behaviour behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    /** The most requests this receiver had open at once. */
    public int mostOpenAtOnce() {
        return mostOpen.get();
    }

    /** Requests open now. */
    public int openNow() {
        return open.get();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public WebhookReceiver respond(ToIntFunction<Received> status) {
        this.status = status;
        return this;
    }

    public WebhookReceiver delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> ofType(String type) {
        return received.stream().filter(r -> type.equals(r.type())).toList();
    }

    /** Waits (up to {@code within}) until {@code condition} holds. */
    public static void await(Duration within, BooleanSupplier condition, String what) {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
