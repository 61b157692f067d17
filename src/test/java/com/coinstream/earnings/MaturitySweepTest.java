package com.coinstream.earnings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.TestClock;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;

/** The minute sweep matures every creator with diamonds due, however many: it pages on until none are left. */
@QuarkusTest
class MaturitySweepTest {
    @Inject
    TestClock clock;

    @Inject
    DiamondMaturity maturity;

    @AfterEach
    void clean() {
        clock.reset();
        LedgerChecks.assertClean();
    }

    @Test
    void theSweepPagesThroughEveryCreatorWithDiamondsDue() {
        Viewer fan = Gifting.fundedViewer("sweepfan", 1000);
        List<String> creators = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LiveCreator creator = Gifting.liveCreator("sweep");
            Gifting.send(fan.token(), creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key());
            creators.add(creator.id());
        }
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        maturity.sweepAfter("", 2).await().indefinitely(); // pages of two creators: three statements
        for (String creator : creators) {
            assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from gift_event where creator_id = ? and matured_entry_id is null", creator));
        }
    }
}
