import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * The bench's webhook receiver: answers every POST with 204 and counts it (and the distinct message ids, so a double
 * send shows). GET /count prints "requests distinct".
 *
 *   java bench/WebhookSink.java PORT
 */
public class WebhookSink {
    public static void main(String[] args) throws IOException {
        AtomicLong requests = new AtomicLong();
        java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 512);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            if ("GET".equals(exchange.getRequestMethod())) {
                byte[] body = (requests.get() + " " + ids.size() + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } else {
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                if (id != null) {
                    ids.add(id);
                }
                requests.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }
}
