package com.coinstream.graphql;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Viewer;
import com.coinstream.support.Management;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class OperationsTest {

    @Test
    void livenessAndReadinessIncludingTheDatabase() {
        Management.given().get("/q/health/live").then().statusCode(200);
        String ready = Management.given().get("/q/health/ready").then().statusCode(200).extract().asString();
        assertTrue(ready.contains("Reactive PostgreSQL connections health check"), ready);
    }

    @Test
    void healthAndMetricsAreNotOnTheApiPort() {
        // the commission and payout totals are business figures: only the management interface serves them
        assertEquals(404, given().get("/q/metrics").statusCode());
        assertEquals(404, given().get("/q/health/ready").statusCode());
    }

    @Test
    void businessMetricsAreExported() {
        LiveCreator creator = Gifting.liveCreator("metrics");
        Viewer viewer = Gifting.fundedViewer("metricsfan", 100);
        Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 1, Flows.key());
        Gifting.send(viewer.token(), creator.stream(), Gifting.GALAXY, 1, Flows.key()); // refused: INSUFFICIENT_COINS
        Flows.buyPackage(viewer.token(), Flows.PKG_70, "pm_card_ok", Flows.key());
        String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : new String[] { "coinstream_gifts_total", "coinstream_coins_spent_total", "coinstream_diamonds_credited_total",
                "coinstream_commission_total", "coinstream_purchases_total{status=\"SUCCEEDED\"", "coinstream_refusals_total{code=\"INSUFFICIENT_COINS\"",
                "coinstream_send_gift_seconds_count" }) {
            assertTrue(metrics.contains(name), "missing " + name);
        }
        assertTrue(!metrics.contains(viewer.id()), "no user ids in metrics");
    }

    @Test
    void thePlaygroundIsServedInDevAndTest() {
        assertEquals(200, given().redirects().follow(true).get("/q/graphql-ui/").statusCode());
        given().get("/graphql/schema.graphql").then().statusCode(200);
        assertTrue(Gql.ok(null, "{ rates { version } }").getInt("data.rates.version") >= 1);
    }
}
