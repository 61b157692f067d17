package com.coinstream.audit;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.MoneyModel;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The money model on one instance with the default 7-day hold: no gift ever becomes final, so no refund may
 * ever leave a debt. (MoneyModelIT runs it over two instances with a hold of seconds.)
 */
@QuarkusTest
class MoneyModelTest {

    @Test
    void concurrentMoneyOperationsKeepEveryInvariant() {
        new MoneyModel(List.of(RestAssured.port), Db.TEST_SCHEMA, Duration.ofDays(7)).run(12, 40);
    }
}
