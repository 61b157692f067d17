import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

/**
 * Coinstream Web measurements (run by bench/web.sh with the test classpath, for Playwright):
 * 1. what the stream room loads: every script and stylesheet the page fetches, raw, gzip -9 compressed, and as the
 * service sends it to a browser that accepts compression ("sent");
 * 2. the time from a sendGift request to its alert on the stream overlay in a browser, p50/p95 over N gifts.
 *
 * Args: baseUrl streamId overlayKey viewerToken gifts
 */
public class WebBench {
    public static void main(String[] args) throws Exception {
        String base = args[0], stream = args[1], key = args[2], token = args[3];
        int gifts = Integer.parseInt(args[4]);
        try (Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            Browser chromium = pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Path.of("/usr/bin/chromium"))
                    .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--no-first-run")));
            roomWeight(chromium, base, stream);
            alertLatency(chromium, base, stream, key, token, gifts);
        }
    }

    static void roomWeight(Browser chromium, String base, String stream) throws Exception {
        Page page = chromium.newPage();
        List<String> assets = Collections.synchronizedList(new ArrayList<>());
        page.onResponse(r -> {
            String type = r.request().resourceType();
            if (type.equals("script") || type.equals("stylesheet")) {
                assets.add(r.url());
            }
        });
        page.navigate(base + "/stream/" + stream);
        page.waitForSelector("h1");
        page.waitForTimeout(500);
        HttpClient http = HttpClient.newHttpClient();
        long raw = 0, gz = 0, js = 0, css = 0, sent = 0;
        for (String url : new ArrayList<>(assets)) {
            byte[] body = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
            // what the service itself sends a browser that accepts gzip (the bytes on the wire, before TLS)
            long onWire = http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", "gzip, deflate, br").build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body().length;
            sent += onWire;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out) { { def.setLevel(9); } }) {
                z.write(body);
            }
            raw += body.length;
            gz += out.size();
            if (url.endsWith(".css")) {
                css += out.size();
            } else {
                js += out.size();
            }
            System.out.printf("asset %s raw=%d gzip=%d sent=%d%n", url.replace(base, ""), body.length, out.size(), onWire);
        }
        System.out.printf("ROOM files=%d raw=%d gzip=%d gzip_js=%d gzip_css=%d sent=%d%n", assets.size(), raw, gz, js, css, sent);
        page.close();
    }

    static void alertLatency(Browser chromium, String base, String stream, String key, String token, int gifts) throws Exception {
        Page overlay = chromium.newPage();
        overlay.navigate(base + "/overlay/" + stream + "?key=" + key);
        overlay.waitForSelector("cs-overlay .overlay-stage", new Page.WaitForSelectorOptions().setState(com.microsoft.playwright.options.WaitForSelectorState.ATTACHED));
        // Each alert's arrival in the DOM, stamped on the browser's clock (epoch ms, same machine as the sender).
        overlay.evaluate("() => { window.__alerts = []; new MutationObserver((ms) => { for (const m of ms) for (const n of m.addedNodes)"
                + " if (n.classList && n.classList.contains('alert')) window.__alerts.push({ at: performance.timeOrigin + performance.now(), text: n.textContent }); })"
                + ".observe(document.querySelector('cs-overlay'), { childList: true, subtree: true }); }");
        overlay.waitForTimeout(1500); // the subscription is open
        HttpClient http = HttpClient.newHttpClient();
        String send = "{\"query\":\"mutation($input: SendGiftInput!) { sendGift(input: $input) { receipt { id } userErrors { code } } }\","
                + "\"variables\":{\"input\":{\"streamId\":\"" + stream + "\",\"giftId\":\"00000000-0000-4000-9000-000000000001\",\"quantity\":%d,\"idempotencyKey\":\"%s\"}}}";
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < gifts; i++) {
            int quantity = i % 9 + 1;
            long sent = System.currentTimeMillis();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/graphql")).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(send.formatted(quantity, UUID.randomUUID())))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (!r.body().contains("\"receipt\":{\"id\"")) {
                throw new IllegalStateException("sendGift failed: " + r.body());
            }
            // Gifts go one at a time, each after the last one's alert: the first alert not yet counted is this one.
            Object at = null;
            for (int wait = 0; wait < 1000 && at == null; wait++) {
                at = overlay.evaluate("() => { const a = window.__alerts.find(x => !x.taken); if (a) { a.taken = true; return a.at; } return null; }");
                if (at == null) {
                    overlay.waitForTimeout(5);
                }
            }
            if (at == null) {
                throw new IllegalStateException("no alert for gift " + i);
            }
            latencies.add(Math.round(((Number) at).doubleValue()) - sent);
            overlay.waitForTimeout(1100); // at most three alerts on screen: never queued behind others
        }
        Collections.sort(latencies);
        System.out.printf("ALERT gifts=%d p50=%d p95=%d max=%d ms%n", gifts, latencies.get(latencies.size() / 2),
                latencies.get((int) Math.ceil(latencies.size() * 0.95) - 1), latencies.get(latencies.size() - 1));
    }
}
