import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Subscribers coming and going: N slots, each one connects (graphql-transport-ws, authenticated in connection_init),
 * subscribes to the gift feed of a random stream, stays 5-30 s, closes, and opens again, for the given seconds.
 * Prints "SOAK opened=.. events=.. failed=.." at the end. JDK only:
 * java Soak.java <port> <tokens-file> <streams-file> <subscribers> <seconds>
 */
public class Soak {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<String> tokens = Files.readAllLines(Path.of(args[1]));
        List<String> streams = Files.readAllLines(Path.of(args[2])).stream().map(String::trim).filter(s -> s.length() == 36).toList();
        int slots = Integer.parseInt(args[3]);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));
        HttpClient http = HttpClient.newHttpClient();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong events = new AtomicLong();
        for (int i = 0; i < slots; i++) {
            int slot = i;
            timer.schedule(() -> open(http, timer, port, tokens.get(slot % tokens.size()), streams, end, opened, failed, events),
                    ThreadLocalRandom.current().nextLong(5_000), TimeUnit.MILLISECONDS);
        }
        while (System.nanoTime() < end) {
            Thread.sleep(500);
        }
        Thread.sleep(1_000);
        timer.shutdownNow();
        System.out.println("SOAK opened=" + opened.get() + " events=" + events.get() + " failed=" + failed.get());
        System.exit(0);
    }

    static void open(HttpClient http, ScheduledExecutorService timer, int port, String token, List<String> streams, long end,
            AtomicInteger opened, AtomicInteger failed, AtomicLong events) {
        if (System.nanoTime() >= end) {
            return;
        }
        String stream = streams.get(ThreadLocalRandom.current().nextInt(streams.size()));
        CompletableFuture<WebSocket> initSent = new CompletableFuture<>();
        http.newWebSocketBuilder().subprotocols("graphql-transport-ws").buildAsync(URI.create("ws://127.0.0.1:" + port + "/graphql"),
                new WebSocket.Listener() {
                    final StringBuilder buf = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        buf.append(data);
                        if (last) {
                            String msg = buf.toString();
                            buf.setLength(0);
                            if (msg.contains("connection_ack")) {
                                initSent.thenCompose(x -> x.sendText("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":"
                                        + "\"subscription($s: ID!) { giftEvents(streamId: $s) { id coins } }\",\"variables\":{\"s\":\"" + stream + "\"}}}", true));
                            } else if (msg.contains("\"next\"")) {
                                events.incrementAndGet();
                            }
                        }
                        w.request(1);
                        return null;
                    }
                }).whenComplete((ws, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        timer.schedule(() -> open(http, timer, port, token, streams, end, opened, failed, events), 1, TimeUnit.SECONDS);
                        return;
                    }
                    opened.incrementAndGet();
                    ws.sendText("{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer " + token + "\"}}", true)
                            .whenComplete((x, err) -> {
                                if (err != null) {
                                    initSent.completeExceptionally(err);
                                } else {
                                    initSent.complete(x);
                                }
                            });
                    long stay = 5_000 + ThreadLocalRandom.current().nextLong(25_000);
                    timer.schedule(() -> {
                        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").whenComplete((x, err) -> ws.abort());
                        open(http, timer, port, token, streams, end, opened, failed, events);
                    }, stay, TimeUnit.MILLISECONDS);
                });
    }
}
