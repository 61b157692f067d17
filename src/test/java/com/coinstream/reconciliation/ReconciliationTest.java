package com.coinstream.reconciliation;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Settlement reports against the ledger: clean, every kind of difference, a duplicate import, a malformed file. */
@QuarkusTest
class ReconciliationTest {
    static final String IMPORT = """
            mutation($i: ImportSettlementReportInput!) { importSettlementReport(input: $i) { duplicate
              run { id lines differenceCount feesBooked { amount currency } csvPath
                    differences(first: 1000) { kind transactionId purchaseId line provider { amount currency } ledger { amount currency } detail } }
              userErrors { code field message } } }
            """;
    static final String REVERSE = "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { userErrors { code } } }";

    record Bought(String purchaseId, String ref) {
    }

    static Bought buy(String token, String pkg) {
        String id = Flows.buyPackage(token, pkg, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        String ref = (String) Db.rows(Db.TEST_SCHEMA, "select provider_ref from purchase where id = ?::uuid", id).get(0).get("provider_ref");
        return new Bought(id, ref);
    }

    static void reverse(Bought b, String kind) {
        assertEquals(List.of(), Gql.ok(Tokens.admin(), REVERSE, Gql.input("purchaseId", b.purchaseId(), "kind", kind, "idempotencyKey", Flows.key()))
                .getList("data.reversePurchase.userErrors"));
    }

    /** The simulated provider's report of the days the given purchases were made on (as the service's clock dated them). */
    static String report(List<Bought> purchases) {
        List<LocalDate> days = purchases.stream().map(b -> ((java.sql.Timestamp) Db.rows(Db.TEST_SCHEMA,
                "select created_at from purchase where id = ?::uuid", b.purchaseId()).get(0).get("created_at")).toInstant()
                .atOffset(ZoneOffset.UTC).toLocalDate()).sorted().toList();
        return given().header("Authorization", "Bearer " + Tokens.admin()).queryParam("from", days.get(0).toString())
                .queryParam("to", days.get(days.size() - 1).plusDays(1).toString()).get("/dev/settlement-report").then().statusCode(200)
                // a download as every other: never kept by a cache, saved as a file
                .header("Cache-Control", "no-store").header("Content-Disposition", org.hamcrest.Matchers.startsWith("attachment; filename=\"settlement-"))
                .extract().asString();
    }

    static JsonPath importReport(String csv, String name) {
        return Gql.ok(Tokens.admin(), IMPORT, Gql.vars("i", Map.of("csv", csv, "fileName", name)));
    }

    static long feesBalance(String currency) {
        return Db.number(Db.TEST_SCHEMA, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a on a.id = b.account_id "
                + "where a.purpose = 'PROVIDER_FEES' and a.asset = ?", currency);
    }

    @Test
    void aCleanReportReconcilesBooksItsFeesOnceAndImportsOnce() {
        String buyer = Tokens.viewer(Tokens.unique("reconclean"));
        Bought a = buy(buyer, Flows.PKG_70);
        Bought b = buy(buyer, Flows.PKG_350);
        Bought c = buy(buyer, Flows.PKG_70);
        reverse(b, "REFUND");
        reverse(c, "CHARGEBACK");
        String csv = report(List.of(a, b, c));
        assertTrue(csv.startsWith("transaction_id,type,amount,currency,fee,date\n"), csv);
        assertTrue(csv.contains(a.ref() + ",charge,0.99,USD,0.33,"), csv);
        assertTrue(csv.contains(b.ref() + ",refund,4.99,USD,0.00,"), csv);
        assertTrue(csv.contains(c.ref() + ",dispute,0.99,USD,15.00,"), csv);

        long feesBefore = feesBalance("USD");
        long entriesBefore = Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry where kind = 'PROVIDER_FEE'");
        JsonPath first = importReport(csv, "sim-clean.csv");
        assertEquals(List.of(), first.getList("data.importSettlementReport.userErrors"));
        assertEquals(false, first.getBoolean("data.importSettlementReport.duplicate"));
        assertEquals(0, first.getLong("data.importSettlementReport.run.differenceCount"),
                first.getList("data.importSettlementReport.run.differences").toString());
        long feesInReport = csv.lines().skip(1).mapToLong(l -> new java.math.BigDecimal(l.split(",")[4]).movePointRight(2).longValueExact()).sum();
        long booked = first.<Map<String, String>> getList("data.importSettlementReport.run.feesBooked").stream()
                .filter(m -> "USD".equals(m.get("currency"))).mapToLong(m -> new java.math.BigDecimal(m.get("amount")).movePointRight(2).longValueExact()).sum();
        assertTrue(booked > 0 && booked <= feesInReport, booked + " of " + feesInReport);
        assertEquals(-booked, feesBalance("USD") - feesBefore, "the fees account moved by the fees booked");
        LedgerChecks.assertClean();

        JsonPath again = importReport(csv, "sim-clean-again.csv");
        assertEquals(true, again.getBoolean("data.importSettlementReport.duplicate"));
        assertEquals(first.getString("data.importSettlementReport.run.id"), again.getString("data.importSettlementReport.run.id"));
        assertEquals(entriesBefore + first.getList("data.importSettlementReport.run.feesBooked").size(), Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry where kind = 'PROVIDER_FEE'"),
                "one fee entry per currency, and none for the duplicate");
        assertEquals(-booked, feesBalance("USD") - feesBefore);
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'importSettlementReport' "
                + "and target_id = '" + first.getString("data.importSettlementReport.run.id") + "'"),
                "the import is recorded once: its duplicate is an idempotent replay and adds no record");

        // an overlapping report (the same lines and one more day's worth) books no fee twice
        String overlapping = csv + "fee_monthly_" + Flows.key().substring(0, 8) + ",fee,0,USD,25.00,"
                + csv.lines().skip(1).findFirst().orElseThrow().split(",")[5] + "\n";
        JsonPath second = importReport(overlapping, "sim-overlap.csv");
        assertEquals(List.of(Map.of("amount", "25.00", "currency", "USD")), second.getList("data.importSettlementReport.run.feesBooked"));
        LedgerChecks.assertClean();
    }

    @Test
    void eachKindOfDifferenceIsReportedWithItsLineAndTheCsvExportIsForAdminsOnly() {
        String buyer = Tokens.viewer(Tokens.unique("recondiff"));
        Bought dropped = buy(buyer, Flows.PKG_70);
        Bought changedAmount = buy(buyer, Flows.PKG_70);
        Bought changedCurrency = buy(buyer, Flows.PKG_70);
        Bought notReversed = buy(buyer, Flows.PKG_70);
        Bought refundUnreported = buy(buyer, Flows.PKG_70);
        reverse(refundUnreported, "REFUND");
        List<String> lines = new ArrayList<>(report(List.of(dropped, changedAmount, changedCurrency, notReversed, refundUnreported)).lines().toList());
        String date = lines.get(1).split(",")[5];
        lines.removeIf(l -> l.startsWith(dropped.ref() + ",charge") || l.startsWith(refundUnreported.ref() + ",refund"));
        lines.replaceAll(l -> l.startsWith(changedAmount.ref() + ",charge") ? l.replace(",0.99,USD,", ",1.09,USD,")
                : l.startsWith(changedCurrency.ref() + ",charge") ? l.replace(",0.99,USD,", ",0.99,EUR,") : l);
        lines.add("sim_pi_nobody_" + Flows.key().substring(0, 8) + ",charge,9.99,USD,0.59," + date);
        lines.add(notReversed.ref() + ",refund,0.99,USD,0.00," + date);
        String csv = String.join("\n", lines) + "\n";

        JsonPath r = importReport(csv, "sim-differences.csv");
        assertEquals(List.of(), r.getList("data.importSettlementReport.userErrors"));
        List<Map<String, Object>> diffs = r.getList("data.importSettlementReport.run.differences");
        Map<String, List<Map<String, Object>>> byKind = diffs.stream().collect(Collectors.groupingBy(d -> (String) d.get("kind")));
        assertEquals(6, diffs.size(), diffs.toString());
        assertEquals(dropped.purchaseId(), only(byKind, "MISSING_AT_PROVIDER", "a SUCCEEDED purchase").get("purchaseId"));
        assertEquals(refundUnreported.purchaseId(), only(byKind, "MISSING_AT_PROVIDER", "a REFUND in the ledger").get("purchaseId"));
        Map<String, Object> amount = only(byKind, "AMOUNT_MISMATCH", "");
        assertEquals(changedAmount.purchaseId(), amount.get("purchaseId"));
        assertEquals(Map.of("amount", "1.09", "currency", "USD"), amount.get("provider"));
        assertEquals(Map.of("amount", "0.99", "currency", "USD"), amount.get("ledger"));
        assertEquals(lines.indexOf(lines.stream().filter(l -> l.startsWith(changedAmount.ref())).findFirst().orElseThrow()) + 1,
                amount.get("line"), "the report's own line number");
        Map<String, Object> currency = only(byKind, "CURRENCY_MISMATCH", "charged in EUR");
        assertEquals(changedCurrency.purchaseId(), currency.get("purchaseId"));
        assertEquals(Map.of("amount", "0.99", "currency", "EUR"), currency.get("provider"));
        assertEquals(Map.of("amount", "0.99", "currency", "USD"), currency.get("ledger"));
        assertTrue(only(byKind, "MISSING_IN_LEDGER", "no purchase").get("transactionId").toString().startsWith("sim_pi_nobody_"));
        assertEquals(notReversed.purchaseId(), only(byKind, "REFUND_NOT_REVERSED", "never reversed").get("purchaseId"));

        String path = r.getString("data.importSettlementReport.run.csvPath");
        String exported = given().header("Authorization", "Bearer " + Tokens.admin()).get(path).then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/csv")).extract().asString();
        assertEquals(7, exported.lines().count(), exported);
        assertTrue(exported.startsWith(ReconciliationExport.HEADER));
        assertTrue(exported.contains("AMOUNT_MISMATCH," + changedAmount.ref()));
        given().header("Authorization", "Bearer " + Tokens.viewer("reconpeek")).get(path).then().statusCode(403);
        given().get(path).then().statusCode(401);
        given().header("Authorization", "Bearer " + Tokens.admin()).get("/exports/reconciliation/00000000-0000-4000-8000-000000000bad.csv")
                .then().statusCode(404).body("errors[0].extensions.code", org.hamcrest.Matchers.equalTo("NOT_FOUND"));
        given().header("Authorization", "Bearer " + Tokens.admin()).get("/exports/reconciliation/not-a-run.csv")
                .then().statusCode(404).body("errors[0].extensions.code", org.hamcrest.Matchers.equalTo("NOT_FOUND"));
        given().header("Authorization", "Bearer " + Tokens.viewer("reconpeek")).queryParam("from", "2026-01-01").queryParam("to", "2026-01-02")
                .get("/dev/settlement-report").then().statusCode(403);
        // a range that holds no day is a mistake, not an empty report
        for (String[] range : new String[][] { { "2026-01-02", "2026-01-02" }, { "2026-01-03", "2026-01-02" } }) {
            given().header("Authorization", "Bearer " + Tokens.admin()).queryParam("from", range[0]).queryParam("to", range[1])
                    .get("/dev/settlement-report").then().statusCode(400).body("errors[0].extensions.code", org.hamcrest.Matchers.equalTo("INVALID_INPUT"));
        }
        LedgerChecks.assertClean();
    }

    /**
     * A purchase is matched on the day its money was taken (its PURCHASE entry), not the day it was asked for: an
     * asynchronous payment asked for before midnight and confirmed after it is on the next day's report, and missing
     * from that report it is MISSING_AT_PROVIDER there (matched by when it was asked for, it was never reported at all).
     */
    @Test
    void aPurchaseIsMatchedOnTheDayItsMoneyWasTakenNotTheDayItWasAskedFor() {
        String buyer = Tokens.viewer(Tokens.unique("reconlate"));
        Bought late = buy(buyer, Flows.PKG_70);
        buy(buyer, Flows.PKG_70); // (another of that day: a report is never empty)
        Db.rows(Db.TEST_SCHEMA, "update purchase set created_at = created_at - interval '1 day' where id = ?::uuid returning id", late.purchaseId());
        LocalDate settled = LocalDate.parse(String.valueOf(Db.rows(Db.TEST_SCHEMA, "select (created_at at time zone 'UTC')::date as day from journal_entry "
                + "where cause_id = ?::uuid and kind = 'PURCHASE'", late.purchaseId()).get(0).get("day")));
        String csv = given().header("Authorization", "Bearer " + Tokens.admin()).queryParam("from", settled.toString())
                .queryParam("to", settled.plusDays(1).toString()).get("/dev/settlement-report").then().statusCode(200).extract().asString();
        assertTrue(csv.contains(late.ref() + ",charge,"), "the provider's report has the charge on the day it settled: " + csv);
        String without = csv.lines().filter(l -> !l.startsWith(late.ref() + ",charge,")).collect(Collectors.joining("\n")) + "\n";
        JsonPath imported = importReport(without, "sim-late.csv");
        assertEquals(List.of(), imported.getList("data.importSettlementReport.userErrors"), imported.prettify());
        List<Map<String, Object>> diffs = imported.getList("data.importSettlementReport.run.differences");
        assertEquals(List.of("MISSING_AT_PROVIDER"), diffs.stream().filter(d -> late.purchaseId().equals(d.get("purchaseId"))).map(d -> d.get("kind")).toList(),
                diffs.toString());
    }

    static Map<String, Object> only(Map<String, List<Map<String, Object>>> byKind, String kind, String detail) {
        List<Map<String, Object>> found = byKind.getOrDefault(kind, List.of()).stream().filter(d -> d.get("detail").toString().contains(detail)).toList();
        assertEquals(1, found.size(), kind + " " + detail + ": " + byKind);
        return found.get(0);
    }

    @Test
    void aMalformedFileIsRefusedLineByLineAndImportsNothing() {
        long runs = Db.number(Db.TEST_SCHEMA, "select count(*) from settlement_report");
        long entries = Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry");
        String csv = "transaction_id,type,amount,currency,fee,date\nsim_pi_a,charge,0.99,USD,0.33,2026-11-30\nsim_pi_b,charge,0,99,USD,0.33,2026-11-30\n"
                + "sim_pi_c,payout,0.99,USD,0.33,2026-11-30\nsim_pi_d,charge,0.99,USD,0.33,yesterday\n";
        JsonPath r = importReport(csv, "broken.csv");
        List<Map<String, Object>> errors = r.getList("data.importSettlementReport.userErrors");
        assertEquals(3, errors.size(), errors.toString());
        assertEquals(List.of("INVALID_INPUT"), errors.stream().map(e -> e.get("code")).distinct().toList());
        assertEquals(List.of("input", "csv", "line 4"), errors.get(1).get("field"));
        assertTrue(errors.get(2).get("message").toString().startsWith("line 5: date"));
        assertTrue(r.get("data.importSettlementReport.run") == null);
        assertEquals(runs, Db.number(Db.TEST_SCHEMA, "select count(*) from settlement_report"));
        assertEquals(entries, Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry"));
        assertFalse(Gql.ok(Tokens.admin(), "{ auditLog(filter: {action: \"importSettlementReport\", outcome: REFUSED}) { nodes { id } } }")
                .getList("data.auditLog.nodes").isEmpty(), "the refused import is in the audit log");
        assertEquals(Arrays.asList("FORBIDDEN"), List.of(Gql.errorCode(Gql.post(Tokens.viewer("reconv"), IMPORT,
                Gql.vars("i", Map.of("csv", csv)))))); 
    }

    static io.restassured.response.Response upload(String token, String csv, String fileName) {
        var spec = given().contentType("text/csv").body(csv);
        if (token != null) {
            spec = spec.header("Authorization", "Bearer " + token);
        }
        if (fileName != null) {
            spec = spec.queryParam("fileName", fileName);
        }
        return spec.post("/imports/settlement-reports");
    }

    @Test
    void aReportBiggerThanAnyGraphqlRequestStreamsToItsUploadAndAnswersAsTheMutationDoes() {
        StringBuilder csv = new StringBuilder("transaction_id,type,amount,currency,fee,date\n");
        String batch = Tokens.unique("upl");
        for (int i = 0; i < 12_000; i++) {
            csv.append("sim_pi_").append(batch).append('_').append(i).append(",charge,0.99,USD,0.33,2026-11-30\n");
        }
        assertTrue(csv.length() > 256 * 1024, "more than the GraphQL body limit");
        String admin = Tokens.admin();
        var first = upload(admin, csv.toString(), "big.csv");
        assertEquals(200, first.statusCode(), first.asString());
        assertEquals(12_000, first.jsonPath().getInt("run.lines"));
        assertEquals(12_000, first.jsonPath().getInt("run.differenceCount"), "every charge is missing in the ledger");
        assertEquals(false, first.jsonPath().getBoolean("duplicate"));
        var again = upload(admin, csv.toString(), "big-again.csv");
        assertEquals(true, again.jsonPath().getBoolean("duplicate"));
        assertEquals(first.jsonPath().getString("run.id"), again.jsonPath().getString("run.id"));
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'importSettlementReport' and target_id = ?",
                first.jsonPath().getString("run.id")), "one import, one record: the duplicate is a replay");
        LedgerChecks.assertClean();
    }

    @Test
    void anUploadIsForAdminsAndItsRefusalsAreCodedAndAudited() {
        String csv = "transaction_id,type,amount,currency,fee,date\nx_1,charge,1.00,USD,0,2026-11-30\n";
        long audited = Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'importSettlementReport' and outcome = 'REFUSED'");
        var anonymous = upload(null, csv, null);
        assertEquals(401, anonymous.statusCode());
        assertEquals("UNAUTHENTICATED", anonymous.jsonPath().getString("errors[0].extensions.code"));
        var viewer = upload(Tokens.viewer(Tokens.unique("v")), csv, null);
        assertEquals(403, viewer.statusCode());
        assertEquals("FORBIDDEN", viewer.jsonPath().getString("errors[0].extensions.code"));
        var badName = upload(Tokens.admin(), csv, "bad\u0000name.csv");
        assertEquals(422, badName.statusCode());
        assertEquals(List.of("fileName"), badName.jsonPath().getList("userErrors[0].field"));
        String twice = "transaction_id,type,amount,currency,fee,date\ndup_1,charge,1.00,USD,0,2026-11-30\nok_1,charge,1.00,USD,0,2026-11-30\n"
                + "dup_1,charge,1.00,USD,0,2026-11-30\n";
        var duplicateLine = upload(Tokens.admin(), twice, "twice.csv");
        assertEquals(422, duplicateLine.statusCode());
        assertEquals("line 4: a second charge line for transaction dup_1", duplicateLine.jsonPath().getString("userErrors[0].message"));
        // a report whose lines span more than a quarter (one mistyped date would match every purchase ever)
        var span = upload(Tokens.admin(), "transaction_id,type,amount,currency,fee,date\nspan_1,charge,1.00,USD,0,2026-01-02\n"
                + "span_2,charge,1.00,USD,0,2026-11-30\n", "span.csv");
        assertEquals(422, span.statusCode(), span.asString());
        assertTrue(span.jsonPath().getString("userErrors[0].message").contains("a report covers at most 92 days"), span.asString());
        assertEquals(audited + 5, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where action = 'importSettlementReport' and outcome = 'REFUSED'"),
                "each refused attempt is recorded, the anonymous one too");
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from settlement_line where transaction_id = 'dup_1'"), "nothing is kept");
    }

    @Test
    void aRefundOfAPurchaseStillPendingIsMissingInTheLedgerNotAnUnreversedRefund() {
        String viewer = Tokens.viewer(Tokens.unique("pendingrefund"));
        String id = Flows.buyPackage(viewer, Flows.PKG_70, "pm_async", Flows.key()).getString("data.purchaseCoins.purchase.id");
        String ref = (String) Db.rows(Db.TEST_SCHEMA, "select provider_ref from purchase where id = ?::uuid", id).get(0).get("provider_ref");
        JsonPath run = importReport("transaction_id,type,amount,currency,fee,date\n" + ref + ",refund,0.99,USD,0,2026-11-30\n", "pending-refund.csv");
        assertEquals(List.of("MISSING_IN_LEDGER"), run.getList("data.importSettlementReport.run.differences.kind"), run.prettify());
        assertTrue(run.getString("data.importSettlementReport.run.differences[0].detail").contains("PENDING"));
    }
}
