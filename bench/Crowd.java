import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A crowd in the streams' rooms (bench/crowd.sh): CONNECTIONS WebSocket connections, one per viewer token, each
 * acknowledged and then holding SUBSCRIPTIONS gift-feed subscriptions, all kept open for HOLD seconds. Prints what the
 * service took and refused (an error with RATE_LIMITED, a close with 1013), then what the feeds delivered.
 *
 *   java bench/Crowd.java PORT TOKENS_FILE STREAMS_FILE CONNECTIONS SUBSCRIPTIONS HOLD
 */
public class Crowd {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        List<String> tokens = Files.readAllLines(Path.of(a[1]));
        List<String> streams = Files.readAllLines(Path.of(a[2])).stream().map(String::trim).filter(s -> s.length() == 36).toList();
        int connections = Integer.parseInt(a[3]);
        int subscriptions = Integer.parseInt(a[4]);
        HttpClient http = HttpClient.newHttpClient();
        AtomicInteger acked = new AtomicInteger(), refused = new AtomicInteger(), closed1013 = new AtomicInteger(),
                closedOther = new AtomicInteger(), failed = new AtomicInteger(), events = new AtomicInteger();
        Semaphore opening = new Semaphore(50);
        for (int i = 0; i < connections; i++) {
            opening.acquire();
            String token = tokens.get(i % tokens.size()).trim();
            String stream = streams.get(i % streams.size());
            http.newWebSocketBuilder().subprotocols("graphql-transport-ws").buildAsync(URI.create("ws://127.0.0.1:" + port + "/graphql"),
                    new WebSocket.Listener() {
                        final StringBuilder buf = new StringBuilder();
                        /** Its place among the 50 opening at once, given back once (at its acknowledgement or its close). */
                        final java.util.concurrent.atomic.AtomicBoolean opened = new java.util.concurrent.atomic.AtomicBoolean();

                        void opened() {
                            if (opened.compareAndSet(false, true)) {
                                opening.release();
                            }
                        }

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            buf.append(data);
                            if (last) {
                                String m = buf.toString();
                                buf.setLength(0);
                                if (m.contains("connection_ack")) {
                                    acked.incrementAndGet();
                                    opened();
                                    for (int s = 0; s < subscriptions; s++) {
                                        w.sendText("{\"id\":\"" + s + "\",\"type\":\"subscribe\",\"payload\":{\"query\":\"subscription($s: ID!) "
                                                + "{ giftEvents(streamId: $s) { id coins } }\",\"variables\":{\"s\":\"" + stream + "\"}}}", true);
                                    }
                                } else if (m.contains("\"next\"")) {
                                    events.incrementAndGet();
                                } else if (m.contains("RATE_LIMITED")) {
                                    refused.incrementAndGet();
                                }
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            (code == 1013 ? closed1013 : closedOther).incrementAndGet();
                            opened();
                            return null;
                        }
                    }).whenComplete((ws, e) -> {
                        if (e != null) { // (refused before the upgrade: 503, RATE_LIMITED)
                            failed.incrementAndGet();
                            opening.release();
                            return;
                        }
                        ws.sendText("{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer " + token + "\"}}", true);
                    });
        }
        Thread.sleep(5_000);
        int taken = acked.get() * subscriptions - refused.get();
        System.out.println("CROWD acknowledged=" + acked + " closed1013=" + closed1013 + " closedOther=" + closedOther + " refusedUpgrades=" + failed
                + " subscriptions=" + taken + " refused=" + refused);
        Thread.sleep(Long.parseLong(a[5]) * 1000);
        System.out.println("CROWD_END events=" + events + " closed1013=" + closed1013 + " closedOther=" + closedOther);
        System.exit(0);
    }
}
