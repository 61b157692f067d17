import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gift feed latency: N subscribers on one stream (graphql-transport-ws, authenticated in connection_init),
 * gifts sent over HTTP; the delay from each sendGift response to each subscriber's receipt of the event.
 * JDK only: java FeedLatency.java <port> <tokens-file> <stream-id> <subscribers> <gifts> <gift-id>
 */
public class FeedLatency {
    static final Pattern ID = Pattern.compile("\"giftEvents\":\\{\"id\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<String> tokens = Files.readAllLines(Path.of(args[1]));
        String stream = args[2];
        int subscribers = Integer.parseInt(args[3]);
        int gifts = Integer.parseInt(args[4]);
        String giftId = args[5];
        HttpClient http = HttpClient.newHttpClient();
        // One tracker per gift, shared by the sender (its response) and the subscribers (their events), each side under
        // the tracker's lock: an event that arrives before, while or after the response is seen is counted exactly once.
        Map<String, Tracker> tracked = new ConcurrentHashMap<>();
        List<Long> delays = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch acked = new CountDownLatch(subscribers);
        AtomicInteger received = new AtomicInteger();
        List<WebSocket> sockets = new ArrayList<>();
        AtomicInteger[] seen = new AtomicInteger[subscribers];
        String[] lastOther = new String[subscribers];
        for (int i = 0; i < subscribers; i++) {
            String token = tokens.get(tokens.size() - 1 - i);
            AtomicInteger mine = seen[i] = new AtomicInteger();
            int index = i;
            // A WebSocket allows one send in flight: the subscribe goes out only after connection_init's send completed
            // (the server's ack can be read before that send's completion is signalled, and a second send is refused).
            CompletableFuture<WebSocket> sent = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder().subprotocols("graphql-transport-ws")
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/graphql"), new WebSocket.Listener() {
                        final StringBuilder buf = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            buf.append(data);
                            if (last) {
                                String msg = buf.toString();
                                buf.setLength(0);
                                long now = System.nanoTime();
                                if (msg.contains("connection_ack")) {
                                    lastOther[index] = "acknowledged, subscribed";
                                    sent.thenCompose(x -> x.sendText("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":\"subscription($s: ID!) { giftEvents(streamId: $s) { id } }\",\"variables\":{\"s\":\"" + stream + "\"}}}", true)).whenComplete((x, e) -> {
                                        if (e != null) {
                                            lastOther[index] = "subscribe not sent: " + e;
                                        }
                                    });
                                    acked.countDown();
                                } else {
                                    Matcher m = ID.matcher(msg);
                                    if (!m.find()) {
                                        if (!msg.contains("\"ping\"")) {
                                            lastOther[index] = msg;
                                        }
                                    } else {
                                        received.incrementAndGet();
                                        mine.incrementAndGet();
                                        tracked.computeIfAbsent(m.group(1), k -> new Tracker()).arrived(now, delays);
                                    }
                                }
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            lastOther[index] = "closed " + code + " " + reason;
                            return null;
                        }

                        @Override
                        public void onError(WebSocket w, Throwable error) {
                            lastOther[index] = "error " + error;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer " + token + "\"}}", true)
                    .whenComplete((x, e) -> {
                        if (e != null) {
                            sent.completeExceptionally(e);
                        } else {
                            sent.complete(x);
                        }
                    });
            sockets.add(ws);
        }
        acked.await(30, TimeUnit.SECONDS);
        // Warm-up gifts until every subscriber has seen one: from then on each subscription is live, and every gift
        // measured below must reach all of them (the figure is exact: deliveries = gifts x subscribers).
        for (int w = 0; w < 60 && java.util.Arrays.stream(seen).anyMatch(s -> s.get() == 0); w++) {
            String body = "{\"query\":\"mutation($i: SendGiftInput!) { sendGift(input: $i) { receipt { id } } }\",\"variables\":{\"i\":{\"streamId\":\""
                    + stream + "\",\"giftId\":\"" + giftId + "\",\"quantity\":1,\"idempotencyKey\":\"" + UUID.randomUUID() + "\"}}}";
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql")).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + tokens.get(0)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500);
        }
        Thread.sleep(500);
        for (int i = 0; i < subscribers; i++) {
            if (seen[i].get() == 0) {
                System.err.println("subscriber " + i + " saw no warm-up gift; last other message: " + lastOther[i]);
            }
        }
        tracked.clear();
        delays.clear();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        for (int i = 0; i < gifts; i++) {
            String token = tokens.get(i % (tokens.size() - subscribers));
            senders.submit(() -> {
                String body = "{\"query\":\"mutation($i: SendGiftInput!) { sendGift(input: $i) { receipt { id } } }\",\"variables\":{\"i\":{\"streamId\":\""
                        + stream + "\",\"giftId\":\"" + giftId + "\",\"quantity\":1,\"idempotencyKey\":\"" + UUID.randomUUID() + "\"}}}";
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                long now = System.nanoTime();
                Matcher m = Pattern.compile("\"receipt\":\\{\"id\":\"([^\"]+)\"").matcher(r.body());
                if (m.find()) {
                    tracked.computeIfAbsent(m.group(1), k -> new Tracker()).responded(now, delays);
                }
                Thread.sleep(20);
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(5, TimeUnit.MINUTES);
        Thread.sleep(2000);
        sockets.forEach(w -> w.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
        List<Long> sorted = new ArrayList<>(delays);
        Collections.sort(sorted);
        long answered = tracked.values().stream().filter(Tracker::answered).count();
        long expected = answered * subscribers;
        long deliveries = tracked.values().stream().filter(Tracker::answered).mapToLong(Tracker::arrivals).sum();
        System.out.printf("FEED subscribers=%d gifts=%d deliveries=%d expected=%d p50_ms=%.1f p99_ms=%.1f%n", subscribers,
                answered, deliveries, expected, pct(sorted, 50), pct(sorted, 99));
    }

    /** One gift: when its response came, and its events seen before that. */
    static final class Tracker {
        private Long respondedAt;
        private final List<Long> early = new ArrayList<>();
        private long arrivals;

        synchronized void arrived(long at, List<Long> delays) {
            arrivals++;
            if (respondedAt != null) {
                delays.add(at - respondedAt);
            } else {
                early.add(at);
            }
        }

        synchronized void responded(long at, List<Long> delays) {
            respondedAt = at;
            early.forEach(t -> delays.add(Math.max(0, t - at)));
            early.clear();
        }

        synchronized boolean answered() {
            return respondedAt != null;
        }

        synchronized long arrivals() {
            return arrivals;
        }
    }

    static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }
}
