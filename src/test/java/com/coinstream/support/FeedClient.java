package com.coinstream.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A graphql-transport-ws client, as a browser's GraphQL client would speak it. */
public final class FeedClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();

    private FeedClient(URI uri) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("graphql-transport-ws")
                .connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                messages.add(JSON.readTree(partial.toString()));
                            } catch (Exception e) {
                                messages.add(JSON.createObjectNode().put("type", "unreadable"));
                            }
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                        messages.add(JSON.createObjectNode().put("type", "closed").put("code", statusCode).put("reason", reason));
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    /** Connect and authenticate in connection_init; returns after connection_ack (or whatever came instead). */
    public static FeedClient connect(int port, String token) throws Exception {
        FeedClient client = new FeedClient(URI.create("ws://localhost:" + port + "/graphql"));
        client.send(token == null ? Map.of("type", "connection_init")
                : Map.of("type", "connection_init", "payload", Map.of("Authorization", "Bearer " + token)));
        return client;
    }

    public JsonNode next(long seconds) throws InterruptedException {
        return messages.poll(seconds, TimeUnit.SECONDS);
    }

    /** The next message of one of the given types, skipping others (pings). */
    public JsonNode nextOf(long seconds, String... types) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            JsonNode m = messages.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
            if (m == null) {
                return null;
            }
            for (String t : types) {
                if (t.equals(m.path("type").asText())) {
                    return m;
                }
            }
        }
        return null;
    }

    public void subscribe(String id, String query) throws Exception {
        send(Map.of("id", id, "type", "subscribe", "payload", Map.of("query", query)));
    }

    public void subscribeGifts(String id, String streamId) throws Exception {
        send(Map.of("id", id, "type", "subscribe", "payload", Map.of(
                "query", "subscription($s: ID!) { giftEvents(streamId: $s) { id quantity coins senderName streamTotal acknowledgedAt gift { name } } }",
                "variables", Map.of("s", streamId))));
    }

    public void subscribe(String id, String query, Map<String, Object> variables) throws Exception {
        send(Map.of("id", id, "type", "subscribe", "payload", Map.of("query", query, "variables", variables)));
    }

    /** The payload data of the next "next" message of subscription {@code id} (skipping others), or null after {@code seconds}. */
    public JsonNode nextData(String id, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            JsonNode m = nextOf(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())), "next", "error", "complete");
            if (m == null) {
                return null;
            }
            if (id.equals(m.path("id").asText())) {
                if (!"next".equals(m.path("type").asText())) {
                    throw new AssertionError("subscription " + id + " ended: " + m);
                }
                return m.path("payload").path("data");
            }
        }
        return null;
    }

    /** A connection that sends nothing yet (not even connection_init). */
    public static FeedClient open(int port) throws Exception {
        return new FeedClient(URI.create("ws://localhost:" + port + "/graphql"));
    }

    /** A binary frame (the protocol is sent as text). */
    public void sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).get(5, TimeUnit.SECONDS);
    }

    /** A message as raw JSON text, sent as it is (so escapes such as a lone surrogate's reach the server unchanged). */
    public void sendRaw(String json) throws Exception {
        socket.sendText(json, true).get(5, TimeUnit.SECONDS);
    }

    /** One message sent as several frames, one per part (a client may fragment a message however it likes). */
    public void sendFragmented(String... parts) throws Exception {
        for (int i = 0; i < parts.length; i++) {
            socket.sendText(parts[i], i == parts.length - 1).get(5, TimeUnit.SECONDS);
        }
    }

    public void send(Object message) throws Exception {
        socket.sendText(JSON.writeValueAsString(message), true).get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null);
    }
}
