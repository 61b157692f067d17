package com.coinstream.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.Tokens;
import com.coinstream.support.WebhookReceiver;
import com.coinstream.webhooks.WebhookSignature;
import com.coinstream.web.Browser.Tab;
import com.coinstream.web.Browser.User;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;

/**
 * The records people keep and the data they own, in headless Chromium: an admin reads the audit log, a viewer takes
 * their data and leaves, a creator downloads a statement. Each journey asserts on the page, then on the API.
 */
@QuarkusTest
@TestProfile(BrowserProfile.class)
class RecordsJourneysTest {
    @TestHTTPResource("/")
    String root;

    static Locator button(Page page, String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    static void tab(Page page, String name) {
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name).setExact(true)).click();
    }

    /**
     * An admin sets a region's coin base price, then changes a gift of that region's catalogue and retires it, from the
     * console only (a region no other test prices or gifts in: rates and the catalogue are global).
     */
    @Test
    void anAdminPricesARegionAndEditsThenRetiresAGiftOfItsCatalogue() {
        User admin = User.admin(Tokens.unique("j9-admin"));
        String gift = Gql.ok(Tokens.admin(), "mutation($i: GiftInput!) { createGift(input: $i) { gift { id } userErrors { code } } }",
                Gql.vars("i", Map.of("name", "Journey Kite", "coins", 5, "tier", 1, "animationKey", "gifts/rose", "regions", List.of("NZ"))))
                .getString("data.createGift.gift.id");
        try (Tab tab = Browser.open(root, admin, Browser.DESKTOP)) {
            tab.go("/admin");
            tab(tab.page, "Rates");
            tab.page.getByLabel("Base price: region").fill("NZ");
            tab.page.getByLabel("coins", new Page.GetByLabelOptions().setExact(true)).fill("70");
            tab.page.getByLabel("price", new Page.GetByLabelOptions().setExact(true)).fill("1.49");
            tab.page.getByLabel("currency", new Page.GetByLabelOptions().setExact(true)).fill("NZD");
            button(tab.page, "Publish").click();
            assertThat(tab.page.getByTestId("admin-message")).containsText("published");
            assertThat(tab.page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Coin base prices"))).containsText("NZ");

            tab(tab.page, "Catalogue");
            tab.page.getByLabel("Region (ISO 3166-1)").fill("NZ");
            button(tab.page, "Show").click();
            Locator row = tab.page.getByTestId("catalogue-gift").filter(new Locator.FilterOptions().setHasText("Journey Kite"));
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit Journey Kite")).click();
            tab.page.getByTestId("gift-edit").getByLabel("Coins").fill("7");
            button(tab.page, "Save").click();
            assertThat(tab.page.getByTestId("admin-message")).containsText("Journey Kite is changed");
            assertThat(row).containsText("7");
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Retire Journey Kite")).click();
            // (what cannot be taken back takes a second press, which says what it does)
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Retire Journey Kite for good")).click();
            assertThat(tab.page.getByTestId("admin-message")).containsText("retired");
            tab.assertNoConsoleErrors();
        }
        JsonPath rates = Gql.ok(null, "{ rates { coinBasePrices { region coins price { amount currency } } } }");
        assertEquals("NZD", rates.getString("data.rates.coinBasePrices.find { it.region == 'NZ' }.price.currency"));
        assertEquals(70, rates.getInt("data.rates.coinBasePrices.find { it.region == 'NZ' }.coins"));
        assertEquals(List.of(), Gql.ok(null, "{ giftCatalogue(region: \"NZ\") { id } }").getList("data.giftCatalogue.findAll { it.id == '" + gift + "' }"),
                "retired: no longer on offer");
        assertEquals(7, Db.number(Db.TEST_SCHEMA, "select coins from gift where id = ?::uuid", gift));
    }

    @Test
    void anAdminFiltersTheAuditLogToOnePayoutAndSeesTheApprovalJustMade() throws Exception {
        User creator = User.creator(Tokens.unique("j6-creator"));
        String creatorToken = creator.token();
        String stream = Gifting.startStream(creatorToken, "Audit day");
        Gifting.send(Gifting.fundedViewer("j6-fan", 44999).token(), stream, Payouts.UNIVERSE, 1, Flows.key());
        String account = Payouts.verifiedAccount(creatorToken);
        Thread.sleep(2500); // the profile's diamond hold is 2 s
        Payouts.earnings(creatorToken);
        String payout = Payouts.request(creatorToken, 2000, account, Flows.key()).getString("data.requestPayout.payout.id");
        User admin = User.admin(Tokens.unique("j6-admin"));
        // a refused attempt naming the payout, whose reason a spreadsheet that splits on ';' would read as a formula
        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(creatorToken, "mutation($i: PayoutActionInput!) { approvePayout(input: $i) { userErrors { code } } }",
                Gql.vars("i", Map.of("payoutId", payout, "reason", "x;=1+1;y")))));
        try (Tab tab = Browser.open(root, admin, Browser.DESKTOP)) {
            tab.go("/admin");
            tab.page.getByLabel("Creator id").fill(creator.sub());
            button(tab.page, "Filter").click();
            tab.page.getByTestId("queue-row").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Approve")).click();
            assertThat(tab.page.getByTestId("admin-message")).containsText("approved");

            tab(tab.page, "Audit log");
            tab.page.getByLabel("Target id").fill(payout);
            button(tab.page, "Filter").click();
            Locator rows = tab.page.getByTestId("audit-row");
            assertThat(rows).hasCount(2);
            Locator approval = rows.filter(new Locator.FilterOptions().setHasText(admin.sub()));
            assertThat(approval).containsText("approvePayout");
            assertThat(approval).containsText("done");
            assertThat(approval).containsText("payoutId: " + payout);
            assertThat(approval.getByTestId("audit-change")).containsText("status: REQUESTED → APPROVED");
            Download csv = tab.page.waitForDownload(() -> button(tab.page, "Export CSV").click());
            String exported = Files.readString(csv.path());
            assertTrue(exported.startsWith("at,action,outcome"), exported);
            assertEquals(3, exported.lines().count(), "the header and the two records of the filtered view: " + exported);
            assertTrue(exported.contains("approvePayout") && exported.contains(payout), exported);
            // a field holding a semicolon is quoted, so no locale's spreadsheet makes a cell of what follows it
            assertTrue(exported.contains(",\"x;=1+1;y\","), exported);
            tab.assertNoConsoleErrors();
        }
        JsonPath log = Gql.ok(Tokens.admin(), "query($t: ID, $a: ID) { auditLog(filter: {targetId: $t, actorId: $a}) { nodes { action outcome actorId before after } } }",
                Gql.vars("t", payout, "a", admin.sub()));
        assertEquals(List.of("approvePayout"), log.getList("data.auditLog.nodes.action"));
        assertEquals("REQUESTED", JsonPath.from(log.getString("data.auditLog.nodes[0].before")).getString("status"));
        assertEquals("APPROVED", JsonPath.from(log.getString("data.auditLog.nodes[0].after")).getString("status"));
        assertEquals(List.of(admin.sub()), log.getList("data.auditLog.nodes.actorId"));
    }

    @Test
    void aCreatorWiresAWebhookCopiesItsSecretSeesItsDeliveriesAndReplaysWhatFailed() throws Exception {
        User creator = User.creator(Tokens.unique("j8-creator"));
        String creatorToken = creator.token();
        String stream = Gifting.startStream(creatorToken, "Hooked");
        String fan = Gifting.fundedViewer("j8-fan", 100).token();
        try (WebhookReceiver receiver = new WebhookReceiver(); Tab tab = Browser.open(root, creator, Browser.DESKTOP)) {
            tab.context.grantPermissions(List.of("clipboard-read", "clipboard-write"));
            tab.go("/studio");
            tab(tab.page, "Webhooks");
            tab.page.getByLabel("Endpoint URL (https)").fill(receiver.url());
            tab.page.getByLabel("Description (optional)").fill("alert bot");
            button(tab.page, "Create subscription").click();
            String shown = tab.page.getByTestId("webhook-secret").textContent().strip();
            assertTrue(shown.startsWith("whsec_"), shown);
            button(tab.page, "Copy secret").click();
            assertThat(tab.page.getByTestId("webhooks-message")).containsText("clipboard");
            String copied = (String) tab.page.evaluate("navigator.clipboard.readText()");
            assertEquals(shown, copied);

            // a gift from another context arrives signed with the copied secret, and shows as delivered
            Gifting.send(fan, stream, Gifting.ROSE, 1, Flows.key());
            WebhookReceiver.await(java.time.Duration.ofSeconds(20), () -> !receiver.ofType("gift.sent").isEmpty(), "the gift delivered");
            WebhookReceiver.Received got = receiver.ofType("gift.sent").get(0);
            assertTrue(WebhookSignature.verify(copied, got.id(), got.timestamp(), got.signature(), got.body(),
                    java.time.Instant.now().getEpochSecond(), 300), "the receiver verifies the signature with the copied secret");
            // (the receiver hears the gift before its answer is recorded: the list is read once the delivery is DELIVERED)
            WebhookReceiver.await(java.time.Duration.ofSeconds(20), () -> com.coinstream.support.Db.number(com.coinstream.support.Db.TEST_SCHEMA,
                    "select count(*) from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id "
                            + "where s.owner_id = ? and d.status = 'DELIVERED'", creator.sub()) > 0, "the delivery recorded");
            tab.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Deliveries to " + receiver.url())).click();
            Locator delivered = tab.page.locator("[data-testid=webhook-delivery][data-status=DELIVERED]");
            assertThat(delivered).hasCount(1);
            assertThat(delivered).containsText("gift.sent");
            assertThat(delivered).containsText("HTTP 204");

            // the receiver breaks: the next gift's delivery fails until the subscription is disabled, and the page says so
            receiver.respond(r -> 500);
            Gifting.send(fan, stream, Gifting.ROSE, 1, Flows.key());
            String sub = Gql.ok(creatorToken, "{ webhookSubscriptions { id } }").getString("data.webhookSubscriptions[0].id");
            WebhookReceiver.await(java.time.Duration.ofSeconds(20), () -> "DISABLED".equals(Gql.ok(creatorToken,
                    "query($s: ID!) { webhookSubscription(id: $s) { status } }", Gql.vars("s", sub)).getString("data.webhookSubscription.status")),
                    "the subscription disabled after repeated failures");
            button(tab.page, "Refresh").click();
            Locator failing = tab.page.locator("[data-testid=webhook-delivery][data-status=PENDING]");
            assertThat(failing).hasCount(1);
            assertThat(failing).containsText("Failed: HTTP 500");
            assertThat(tab.page.getByTestId("webhook-subscription")).containsText("Disabled");
            assertThat(tab.page.getByTestId("webhook-subscription")).containsText("Last failure");
            assertThat(tab.page.getByTestId("webhook-subscription")).containsText("1 failing");
            tab.page.evaluate("window.scrollTo(0, 0)");
            tab.screenshot("studio-webhooks-failing-1280");

            // fixed: replaying the failed delivery enables the subscription and delivers it
            receiver.respond(r -> 204);
            failing.getByRole(AriaRole.BUTTON).click();
            assertThat(tab.page.getByTestId("webhooks-message")).containsText("queued again");
            WebhookReceiver.await(java.time.Duration.ofSeconds(20), () -> "DELIVERED".equals(Gql.ok(creatorToken,
                    "query($s: ID!) { webhookDeliveries(subscriptionId: $s, first: 1) { nodes { status } } }", Gql.vars("s", sub))
                    .getString("data.webhookDeliveries.nodes[0].status")), "the replayed delivery delivered");
            button(tab.page, "Refresh").click();
            assertThat(tab.page.locator("[data-testid=webhook-delivery][data-status=DELIVERED]")).hasCount(2);
            assertThat(tab.page.getByTestId("webhook-subscription")).containsText("Active");
            assertThat(tab.page.getByTestId("webhook-days-chart")).isVisible();
            assertEquals(List.of(), tab.accessibilityViolations());
            tab.assertNoConsoleErrors();
        }
        JsonPath api = Gql.ok(creatorToken, "{ webhookSubscriptions { status health { delivered failed failing pending } } }");
        assertEquals("ACTIVE", api.getString("data.webhookSubscriptions[0].status"));
        assertEquals(2, api.getInt("data.webhookSubscriptions[0].health.delivered"));
        assertEquals(0, api.getInt("data.webhookSubscriptions[0].health.pending"));
        assertEquals(0, api.getInt("data.webhookSubscriptions[0].health.failing"));
        LedgerChecks.assertClean();
    }

    @Test
    void anAdminPutsACoinPackageOnSaleAndRetiresIt() {
        User admin = User.admin(Tokens.unique("j9-admin"));
        String packages = "{ coinPackages(region: \"US\") { id coins price { amount currency } } }";
        try (Tab tab = Browser.open(root, admin, Browser.PHONE)) {
            tab.go("/admin");
            tab(tab.page, "Catalogue");
            tab.page.getByLabel("Coins in the package").fill("777");
            tab.page.getByLabel("Price").fill("7.77");
            tab.page.getByLabel("Currency").fill("USD");
            button(tab.page, "Put on sale").click();
            assertThat(tab.page.getByTestId("admin-message")).containsText("777 coins for $7.77 are on sale in US");
            Locator row = tab.page.getByTestId("coin-package").filter(new Locator.FilterOptions().setHasText("777"));
            assertThat(row).hasCount(1);
            List<Map<String, Object>> onSale = Gql.ok(Tokens.viewer(Tokens.unique("j9-shopper")), packages).getList("data.coinPackages");
            assertTrue(onSale.stream().anyMatch(p -> "777".equals(String.valueOf(p.get("coins")))
                    && "7.77".equals(((Map<?, ?>) p.get("price")).get("amount"))), onSale.toString());

            row.getByRole(AriaRole.BUTTON).click();
            // (a second press, which says what it does, takes it off sale)
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Take 777 coins off sale")).click();
            assertThat(tab.page.getByTestId("admin-message")).containsText("off sale in US");
            assertThat(tab.page.getByTestId("coin-package").filter(new Locator.FilterOptions().setHasText("777"))).hasCount(0);
            assertEquals(List.of(), tab.accessibilityViolations());
            tab.assertNoConsoleErrors();
        }
        List<Map<String, Object>> after = Gql.ok(Tokens.viewer(Tokens.unique("j9-shopper")), packages).getList("data.coinPackages");
        assertFalse(after.stream().anyMatch(p -> "777".equals(String.valueOf(p.get("coins")))), after.toString());
    }

    @Test
    void aViewerTakesTheirDataThenDeletesTheirAccountAndNoRoomShowsTheirNameAgain() throws Exception {
        User viewer = User.viewer(Tokens.unique("j7-viewer"));
        String viewerToken = Tokens.token(viewer.sub(), Set.of("viewer"), viewer.birthdate(), viewer.region());
        LiveCreator creator = Gifting.liveCreator("j7-creator");
        Flows.buyPackage(viewerToken, Flows.PKG_350, "pm_card_ok", Flows.key());
        Gifting.send(viewerToken, creator.stream(), Gifting.PERFUME, 1, Flows.key());
        try (Tab tab = Browser.open(root, viewer, Browser.PHONE)) {
            tab.go("/account");
            assertThat(tab.page.getByTestId("export-contents")).containsText("1 gift sent");
            assertThat(tab.page.getByTestId("export-contents")).containsText("1 coin purchase");
            Download file = tab.page.waitForDownload(() -> button(tab.page, "Download my data").click());
            JsonObject downloaded = new JsonObject(Files.readString(file.path()));
            JsonObject api = new JsonObject(Gql.ok(viewerToken, "{ exportMyData { document } }").getString("data.exportMyData.document"));
            downloaded.remove("exportedAt");
            api.remove("exportedAt");
            assertEquals(api, downloaded, "the download is the API's export");
            // every purchase, refund and gift sent, however many: the history CSV, as the export's lists stop at 10,000
            Download history = tab.page.waitForDownload(() -> button(tab.page, "Download my history (CSV)").click());
            String csv = Files.readString(history.path());
            assertEquals(io.restassured.RestAssured.given().header("Authorization", "Bearer " + viewerToken).get("/exports/history.csv").then().statusCode(200)
                    .extract().asString(), csv, "the download is the API's history");
            assertTrue(csv.lines().count() >= 3, "a header, the purchase and the gift: " + csv);

            Locator consequences = tab.page.getByTestId("erasure-consequences");
            assertThat(consequences).containsText("330 coins");
            assertThat(consequences).containsText("$");
            assertThat(button(tab.page, "Delete my account")).isDisabled();
            tab.page.getByLabel("I understand that my coins are forfeited and that this cannot be undone").check();
            button(tab.page, "Delete my account").click();
            assertThat(tab.page.getByTestId("erasure-status")).containsText("It will be deleted after");
            tab.assertNoConsoleErrors();
        }
        // the waiting period is over (the request's own date), and an admin completes it in the console
        Db.rows(Db.TEST_SCHEMA, "update erasure_request set eligible_at = requested_at where user_id = ? returning id", viewer.sub());
        try (Tab admin = Browser.open(root, User.admin(Tokens.unique("j7-admin")), Browser.DESKTOP)) {
            admin.go("/admin");
            tab(admin.page, "Data requests");
            admin.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Complete the erasure of " + viewer.sub())).click();
            admin.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Erase " + viewer.sub() + " for good")).click();
            assertThat(admin.page.getByTestId("admin-message")).containsText(viewer.sub() + " is erased: 330 coins forfeited.");
            admin.assertNoConsoleErrors();
        }
        assertEquals("UNAUTHENTICATED", Gql.errorCode(Gql.post(viewerToken, "{ wallet { coins } }", null)), "their token is refused");
        // and on their own page: signed out, with the service's reason, never a page that looks signed in
        try (Tab gone = Browser.open(root, viewer, Browser.PHONE)) {
            gone.go("/wallet");
            assertThat(gone.page.getByRole(AriaRole.ALERT).first()).containsText("erased");
            assertThat(gone.page.getByTestId("wallet-coins")).hasCount(0);
        }
        User other = User.viewer(Tokens.unique("j7-other"));
        try (Tab room = Browser.open(root, other, Browser.DESKTOP)) {
            room.go("/stream/" + creator.stream());
            Locator feed = room.page.getByTestId("feed");
            String pseudonym = String.valueOf(Db.rows(Db.TEST_SCHEMA, "select display_name from app_user where id = ?", viewer.sub()).get(0).get("display_name"));
            assertTrue(pseudonym.startsWith("Erased user "), pseudonym);
            assertThat(feed).containsText(pseudonym);
            assertFalse(room.page.content().contains(viewer.sub()), "no trace of their name in another viewer's room");
            room.assertNoConsoleErrors();
        }
        LedgerChecks.assertClean();
    }

    @Test
    void aCreatorDownloadsAMonthlyStatementWhoseTotalsAreTheStatements() throws Exception {
        User creator = User.creator(Tokens.unique("j8-creator"));
        String creatorToken = creator.token();
        String stream = Gifting.startStream(creatorToken, "Statement day");
        var fan = Gifting.fundedViewer("j8-fan", 1000);
        Gifting.send(fan.token(), stream, Gifting.PERFUME, 3, Flows.key());
        Gifting.send(fan.token(), stream, Gifting.HAND_HEARTS, 1, Flows.key());
        // the browser profile's hold is 2 s, and the studio matures what is due when it opens: let it pass, and mature them
        // now, so the statement read here and the CSV downloaded below see the same books
        WebhookReceiver.await(java.time.Duration.ofSeconds(20), () -> Gql.ok(creatorToken, "{ earnings { diamonds { pending } } }")
                .getLong("data.earnings.diamonds.pending") == 0, "the gifts' diamonds past the 2 s hold");
        String month = java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();
        JsonPath statement = Gql.ok(creatorToken, "query($m: String!) { creatorStatement(month: $m) { earned matured closing { pending available inPayout } } }",
                Gql.vars("m", month));
        Map<String, Long> csv = new HashMap<>();
        try (Tab tab = Browser.open(root, creator, Browser.PHONE)) {
            tab.go("/studio");
            tab(tab.page, "Statements");
            assertThat(tab.page.getByTestId("earned")).containsText(String.valueOf(statement.getLong("data.creatorStatement.earned")));
            Download file = tab.page.waitForDownload(() -> button(tab.page, "Download CSV").click());
            String content = Files.readString(file.path());
            assertTrue(content.startsWith("line,reference,description,gifts,diamonds"), content);
            for (String line : content.lines().skip(1).toList()) {
                String[] f = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1); // (commas outside quotes)
                assertTrue(f.length == 8 && f[4].matches("-?\\d+"), "a statement line: " + line + " in\n" + content);
                csv.merge(f[0], Long.parseLong(f[4]), Long::sum);
            }
            tab.assertNoConsoleErrors();
        }
        assertEquals(statement.getLong("data.creatorStatement.earned"), csv.get("earned"));
        assertEquals(statement.getLong("data.creatorStatement.matured"), csv.get("matured"));
        assertEquals(statement.getLong("data.creatorStatement.closing.pending"), csv.get("closing_pending"));
        assertEquals(statement.getLong("data.creatorStatement.closing.available"), csv.get("closing_available"));
        assertEquals(statement.getLong("data.creatorStatement.earned"), csv.get("stream"), "the streams' lines add up to what was earned");
    }

    @Test
    void anAdminUploadsADoctoredSettlementReportAndSeesEachPlantedDifferenceClassified() throws Exception {
        String buyer = Tokens.viewer(Tokens.unique("j9-buyer"));
        String[] refs = new String[4];
        String[] ids = new String[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = Flows.buyPackage(buyer, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
            refs[i] = (String) Db.rows(Db.TEST_SCHEMA, "select provider_ref from purchase where id = ?::uuid", ids[i]).get(0).get("provider_ref");
        }
        String day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String report = io.restassured.RestAssured.given().header("Authorization", "Bearer " + Tokens.admin()).queryParam("from", day)
                .queryParam("to", java.time.LocalDate.parse(day).plusDays(1).toString()).get("/dev/settlement-report").then().statusCode(200).extract().asString();
        List<String> lines = new java.util.ArrayList<>(report.lines().toList());
        String date = lines.stream().filter(l -> l.startsWith(refs[0] + ",charge")).findFirst().orElseThrow().split(",")[5];
        lines.removeIf(l -> l.startsWith(refs[0] + ",charge"));                                                   // dropped: MISSING_AT_PROVIDER
        lines.replaceAll(l -> l.startsWith(refs[1] + ",charge") ? l.replace(",0.99,USD,", ",1.09,USD,") : l);      // AMOUNT_MISMATCH
        lines.add(refs[2] + ",refund,0.99,USD,0.00," + date);                                                       // REFUND_NOT_REVERSED
        lines.add("sim_pi_phantom_" + Flows.key().substring(0, 8) + ",charge,4.99,USD,0.44," + date);              // MISSING_IN_LEDGER
        java.nio.file.Path file = java.nio.file.Files.createTempFile("doctored-", ".csv");
        java.nio.file.Files.writeString(file, String.join("\n", lines) + "\n");
        try (Tab tab = Browser.open(root, User.admin(Tokens.unique("j9-admin")), Browser.DESKTOP)) {
            tab.go("/admin");
            tab(tab.page, "Reconciliation");
            tab.page.getByLabel("Provider settlement report (CSV)").setInputFiles(file);
            button(tab.page, "Upload and reconcile").click();
            assertThat(tab.page.getByTestId("admin-message")).containsText("4 differences");
            assertThat(tab.page.getByTestId("differences-MISSING_AT_PROVIDER")).containsText(ids[0]);
            assertThat(tab.page.getByTestId("differences-AMOUNT_MISMATCH")).containsText(refs[1]);
            assertThat(tab.page.getByTestId("differences-REFUND_NOT_REVERSED")).containsText(refs[2]);
            assertThat(tab.page.getByTestId("differences-MISSING_IN_LEDGER")).containsText("sim_pi_phantom_");
            assertThat(tab.page.getByTestId("differences-REFUND_NOT_REVERSED")).containsText("Reverse the purchase");
            // the chart of differences per run, and its table: the runs the API lists (newest first), oldest first
            Locator chart = tab.page.getByTestId("reconciliation-chart");
            assertThat(chart.getByRole(AriaRole.IMG)).hasAttribute("aria-label", java.util.regex.Pattern.compile("\\S"));
            List<Object> counts = Gql.ok(Tokens.admin(), "{ reconciliationRuns(first: 20) { nodes { differenceCount } } }")
                    .getList("data.reconciliationRuns.nodes.differenceCount");
            Locator chartRows = chart.getByTestId("reconciliation-chart-row");
            assertThat(chartRows).hasCount(counts.size());
            for (int i = 0; i < counts.size(); i++) {
                assertThat(chartRows.nth(i).locator("td").last()).hasText(java.text.NumberFormat.getIntegerInstance(java.util.Locale.US)
                        .format(((Number) counts.get(counts.size() - 1 - i)).longValue()));
            }
            assertThat(chartRows.last().locator("td").last()).hasText("4");
            tab.assertNoConsoleErrors();
        }
        JsonPath runs = Gql.ok(Tokens.admin(), "{ reconciliationRuns(first: 1) { nodes { differences { kind } } } }");
        assertEquals(java.util.Set.of("MISSING_AT_PROVIDER", "AMOUNT_MISMATCH", "REFUND_NOT_REVERSED", "MISSING_IN_LEDGER"),
                java.util.Set.copyOf(runs.getList("data.reconciliationRuns.nodes[0].differences.kind")));
        LedgerChecks.assertClean();
    }
}
