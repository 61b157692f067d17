package com.coinstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.coinstream.domain.Money;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.MoneyModel;
import com.coinstream.support.Race;
import com.coinstream.support.Viewer;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/** Money paths over two instances of the packaged app (prod profile) on one database. */
@QuarkusIntegrationTest
@WithTestResource(TwoInstances.class)
class MoneyAcrossInstancesIT {
    static final int SECOND = 8094;
    static SecondInstance second;

    @BeforeAll
    static void startSecond() throws Exception {
        second = TwoInstances.second(SECOND);
    }

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.close();
        }
    }

    /** 50 races (ten viewers at a time): each viewer, capped at 10 coins a day, sends 30 one-coin gifts over both instances at once. */
    @Test
    void aDailyCapHoldsAgainstGiftsRacingThroughBothInstances() {
        LiveCreator creator = Gifting.liveCreator("capx");
        int perWave = 10;
        for (int wave = 0; wave < 5; wave++) {
            List<Viewer> viewers = new ArrayList<>();
            for (int v = 0; v < perWave; v++) {
                Viewer viewer = Gifting.fundedViewer("capxfan", 100);
                var limit = Gql.ok(viewer.token(), "mutation { setSpendingLimit(input: {period: DAY, coins: 10}) { spendingLimit { coins } } }");
                assertEquals(10, limit.getLong("data.setSpendingLimit.spendingLimit.coins"));
                viewers.add(viewer);
            }
            List<Response> answers = Race.run(30 * perWave, i -> Gql.postTo(i % 2 == 0 ? null : SECOND, viewers.get(i % perWave).token(),
                    Gifting.SEND, Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1, "idempotencyKey", Flows.key())));
            long[] accepted = new long[perWave];
            for (int i = 0; i < answers.size(); i++) {
                Response r = answers.get(i);
                assertNull(r.jsonPath().getList("errors"), r.asString());
                if (r.jsonPath().getString("data.sendGift.receipt.id") != null) {
                    accepted[i % perWave]++;
                } else {
                    assertEquals("SPENDING_LIMIT_REACHED", r.jsonPath().getString("data.sendGift.userErrors[0].code"), r.asString());
                }
            }
            for (int v = 0; v < perWave; v++) {
                assertEquals(10, accepted[v], "wave " + wave + ": gifts accepted under a cap of 10");
                assertEquals(90, Flows.coins(viewers.get(v).token()));
            }
        }
        LedgerChecks.assertClean();
    }

    @Test
    void theMoneyModelHoldsAcrossTwoInstances() {
        new MoneyModel(List.of(RestAssured.port, SECOND), ProdApp.SCHEMA, Duration.ofSeconds(3)).run(12, 40);
    }
}
