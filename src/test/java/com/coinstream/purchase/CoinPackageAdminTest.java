package com.coinstream.purchase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class CoinPackageAdminTest {
    static final String CREATE = """
            mutation($input: CreateCoinPackageInput!) { createCoinPackage(input: $input) {
              coinPackage { id coins price { amount currency } active } userErrors { code field } } }
            """;
    static final String RETIRE = """
            mutation($input: RetireCoinPackageInput!) { retireCoinPackage(input: $input) {
              coinPackage { id active } userErrors { code } } }
            """;

    @Test
    void adminPutsAPackageOnSaleAndRetiresIt() {
        var created = Gql.ok(Tokens.admin(), CREATE, Gql.input("region", "DE", "coins", 140, "price", Map.of("amount", "1.99", "currency", "EUR")));
        String id = created.getString("data.createCoinPackage.coinPackage.id");
        assertEquals("1.99", created.getString("data.createCoinPackage.coinPackage.price.amount"));
        List<String> ids = Gql.ok(null, "{ coinPackages(region: \"DE\") { id } }").getList("data.coinPackages.id");
        assertEquals(true, ids.contains(id));

        var retired = Gql.ok(Tokens.admin(), RETIRE, Gql.input("packageId", id));
        assertFalse(retired.getBoolean("data.retireCoinPackage.coinPackage.active"));
        assertFalse(Gql.ok(null, "{ coinPackages(region: \"DE\") { id } }").<String> getList("data.coinPackages.id").contains(id));
    }

    @Test
    void badPackagesAreRefusedAndViewersCannotManagePackages() {
        var tooPrecise = Gql.ok(Tokens.admin(), CREATE, Gql.input("region", "US", "coins", 10, "price", Map.of("amount", "0.999", "currency", "USD")));
        assertEquals("INVALID_AMOUNT", tooPrecise.getString("data.createCoinPackage.userErrors[0].code"));
        var badCurrency = Gql.ok(Tokens.admin(), CREATE, Gql.input("region", "US", "coins", 10, "price", Map.of("amount", "1", "currency", "XYZ1")));
        assertEquals("INVALID_INPUT", badCurrency.getString("data.createCoinPackage.userErrors[0].code"));
        var negative = Gql.ok(Tokens.admin(), CREATE, Gql.input("region", "US", "coins", 10, "price", Map.of("amount", "-1", "currency", "USD")));
        assertEquals("INVALID_AMOUNT", negative.getString("data.createCoinPackage.userErrors[0].code"));
        // a price per coin past the rates' own bound (10,000,000 minor units), which once bought overflowed the books after the charge
        var huge = Gql.ok(Tokens.admin(), CREATE, Gql.input("region", "US", "coins", 1, "price", Map.of("amount", "50000000000000000", "currency", "USD")));
        assertEquals("INVALID_AMOUNT", huge.getString("data.createCoinPackage.userErrors[0].code"));
        var viewer = Gql.post(Tokens.viewer("v"), CREATE, Gql.input("region", "US", "coins", 10, "price", Map.of("amount", "1", "currency", "USD")));
        assertEquals("FORBIDDEN", Gql.errorCode(viewer));
        assertEquals(6, Gql.ok(null, "{ coinPackages(region: \"US\") { id } }").getList("data.coinPackages").size());
    }
}
