package com.coinstream.resilience;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;
import com.coinstream.support.Management;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A database outage, as a connection-level fault: the app reaches PostgreSQL through a proxy the test
 * cuts. Requests must fail fast with a clear error, readiness must turn DOWN, and the service must
 * recover by itself when the database comes back.
 */
@QuarkusTest
@TestProfile(DatabaseOutageTest.ThroughProxy.class)
class DatabaseOutageTest {
    /** Injected by ProxyResource (a static would belong to another class loader than the resource's). */
    FaultyProxy proxy;

    public static class ThroughProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coinstream.db.port", String.valueOf(ProxyResource.PORT));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ProxyResource.class));
        }
    }

    public static class ProxyResource implements QuarkusTestResourceLifecycleManager {
        // Fixed, so the profile's config and the resource agree whatever class loader reads them.
        static final int PORT = 55433;
        private FaultyProxy proxy;

        @Override
        public Map<String, String> start() {
            proxy = new FaultyProxy(PORT, "127.0.0.1", 5432);
            try {
                proxy.restore();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of();
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(proxy, new TestInjector.MatchesType(FaultyProxy.class));
        }

        @Override
        public void stop() {
            try {
                proxy.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Test
    void requestsFailFastReadinessTurnsDownAndTheServiceRecoversByItself() throws Exception {
        String token = Tokens.viewer("outage-viewer");
        Gql.ok(token, "{ wallet { coins } }");
        LiveCreator creator = Gifting.liveCreator("outage-creator");
        Viewer fan = Gifting.fundedViewer("outage-fan", 100);
        var ready = Management.given().get("/q/health/ready");
        assertEquals(200, ready.statusCode(), ready.asString());

        proxy.cut();
        long start = System.nanoTime();
        var r = Gql.post(token, "{ wallet { coins } transactions { nodes { id } } }", null);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5000, "took " + millis + " ms");
        assertEquals(200, r.statusCode());
        assertEquals("UNAVAILABLE", Gql.errorCode(r), r.asString());
        assertTrue(r.jsonPath().getString("errors[0].message").contains("temporarily unavailable"));
        assertEquals(503, Management.given().get("/q/health/ready").statusCode());
        assertEquals(200, Management.given().get("/q/health/live").statusCode());
        // the downloads refuse as the GraphQL endpoint does: coded, never the framework's bare 500 page
        for (String download : List.of("/exports/my-data.json", "/exports/history.csv")) {
            var refused = given().header("Authorization", "Bearer " + token).get(download);
            assertEquals(503, refused.statusCode(), download + ": " + refused.asString());
            assertEquals("UNAVAILABLE", refused.jsonPath().getString("errors[0].extensions.code"), refused.asString());
            assertEquals("5", refused.getHeader("Retry-After"));
        }

        proxy.restore();
        boolean recovered = false;
        for (int i = 0; i < 60 && !recovered; i++) {
            Thread.sleep(500);
            var again = Gql.post(token, "{ wallet { coins } }", null);
            recovered = again.statusCode() == 200 && Gql.errorCode(again) == null;
        }
        assertTrue(recovered, "the service did not recover after the database came back");
        // the gift lanes' own connections recover too
        boolean giftSent = false;
        for (int i = 0; i < 20 && !giftSent; i++) {
            try {
                giftSent = Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 1,
                        Flows.key()).getString("data.sendGift.receipt.id") != null;
            } catch (AssertionError stillDown) {
                giftSent = false;
            }
            if (!giftSent) {
                Thread.sleep(500);
            }
        }
        assertTrue(giftSent, "gifts did not recover");
        int readiness = 0;
        for (int i = 0; i < 40 && readiness != 200; i++) {
            readiness = Management.given().get("/q/health/ready").statusCode();
            if (readiness != 200) {
                Thread.sleep(500);
            }
        }
        assertEquals(200, readiness, Management.given().get("/q/health/ready").asString());
    }
}
