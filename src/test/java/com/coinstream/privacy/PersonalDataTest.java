package com.coinstream.privacy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.identity.ErasedAccounts;
import com.coinstream.domain.ErrorCode;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.Caller;
import com.coinstream.support.Db;
import com.coinstream.support.Erasures;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.Rollups;
import com.coinstream.support.TestClock;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;
import com.coinstream.support.WebhookReceiver;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

/** A person's data: the export holds it all; erasure keeps the books and removes the person. */
@QuarkusTest
class PersonalDataTest {
    static final String EXPORT = "{ exportMyData { exportedAt document } }";
    static final String REQUEST = "mutation($i: RequestErasureInput!) { requestErasure(input: $i) { erasureRequest { id status requestedAt eligibleAt } userErrors { code message } } }";
    static final String COMPLETE = "mutation($i: CompleteErasureInput!) { completeErasure(input: $i) { erasureRequest { id status forfeitedCoins completedAt } userErrors { code message } } }";

    @Inject
    TestClock clock;

    @Inject
    com.coinstream.live.OverlayKeys overlayKeys;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /**
     * Spending limit changes grow with use as well (every setSpendingLimit adds one, and nothing limits how often): the
     * export lists the latest 10,000 and how many there are, so no one can make their own export outgrow the heap.
     */
    @Test
    void theExportListsTheLatestSpendingLimitChangesAndTheirTotal() {
        String id = Tokens.unique("pdlimits");
        String token = Tokens.viewer(id);
        Gql.ok(token, "mutation { setSpendingLimit(input: {period: DAY, coins: 50}) { userErrors { code } } }");
        Db.rows(Db.TEST_SCHEMA, "insert into spending_limit (user_id, period, coins, effective_at, created_at) select ?, 'WEEK', g, "
                + "now() - interval '2 days' + g * interval '1 millisecond', now() - interval '2 days' + g * interval '1 millisecond' "
                + "from generate_series(1, 10005) g returning 1", id);
        JsonObject doc = new JsonObject(Gql.ok(token, EXPORT).getString("data.exportMyData.document"));
        assertEquals(10_000, doc.getJsonArray("spendingLimits").size());
        assertEquals(10_006, doc.getLong("spendingLimitsTotal"));
        assertEquals(50L, doc.getJsonArray("spendingLimits").getJsonObject(9_999).getLong("coins"), "the latest change is listed, last");
    }

    /**
     * An instance that has not heard of an erasure yet (committed elsewhere a moment ago: here, written straight to the
     * database) answers the creator's board by the pseudonymous id as the others do, from the database.
     */
    @Test
    void aBoardAskedForByAPseudonymousIdThisInstanceHasNotHeardOfIsFoundInTheDatabase() {
        LiveCreator creator = Gifting.liveCreator("pdunheard");
        String at = clock.instant().toString();
        String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
        Db.rows(Db.TEST_SCHEMA, "update app_user set erased_at = now(), display_name = ? where id = ? returning id", "Erased user " + suffix, creator.id());
        var answer = Gql.post(null, BOARD, board("CREATOR_SUPPORTERS", "erased-" + suffix, at, null));
        assertNull(Gql.errorCode(answer), answer.asString());
        assertEquals("NOT_FOUND", Gql.errorCode(Gql.post(null, BOARD, board("CREATOR_SUPPORTERS", creator.id(), at, null))));
    }

    @Test
    void theExportHoldsEveryPersonalDatumAndNoSecret() {
        LiveCreator creator = Gifting.liveCreator("pdcreator");
        String id = Tokens.unique("pdviewer");
        String token = Tokens.viewer(id);
        String purchase = Flows.buyPackage(token, Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        String gift = Gifting.send(token, creator.stream(), Gifting.ROSE, 3, Flows.key()).getString("data.sendGift.receipt.id");
        Gql.ok(token, "mutation { setSpendingLimit(input: {period: DAY, coins: 50}) { userErrors { code } } }");
        Gql.ok(Tokens.admin(), "mutation($i: PlaceHoldInput!) { placeHold(input: $i) { userErrors { code } } }",
                Gql.vars("i", Map.of("userId", id, "reason", "a check")));
        Gql.ok(Tokens.admin(), "mutation($i: GrantCoinsInput!) { grantCoins(input: $i) { userErrors { code } } }",
                Gql.vars("i", Map.of("userId", id, "coins", 5, "reason", "sorry for the outage", "idempotencyKey", Flows.key())));
        Gql.ok(token, "mutation { requestErasure(input: {reason: \"moving abroad\"}) { userErrors { code } } }");
        JsonObject doc = new JsonObject(Gql.ok(token, EXPORT).getString("data.exportMyData.document"));
        assertEquals(1, doc.getInteger("grantsTotal"));
        assertEquals("sorry for the outage", doc.getJsonArray("grants").getJsonObject(0).getString("reason"), "why they were given coins");
        assertEquals(5L, doc.getJsonArray("grants").getJsonObject(0).getLong("coins"));
        assertEquals("moving abroad", doc.getJsonArray("erasureRequests").getJsonObject(0).getString("reason"), "their own words, while they are kept");
        assertTrue(doc.getJsonArray("giftsSent").getJsonObject(0).getLong("valueMinor") > 0, "what the gift was worth");
        assertEquals(id, doc.getJsonObject("profile").getString("id"));
        assertEquals("a check", doc.getJsonObject("profile").getString("holdReason"));
        assertNotNull(doc.getJsonObject("profile").getString("holdPlacedBy"), "who placed the hold");
        assertEquals(doc.getJsonArray("paymentEvents").size(), doc.getInteger("paymentEventsTotal"), "the provider's events of their purchases");
        assertEquals(purchase, doc.getJsonArray("purchases").getJsonObject(0).getString("id"));
        assertEquals(gift, doc.getJsonArray("giftsSent").getJsonObject(0).getString("id"));
        assertEquals(1, doc.getInteger("giftsSentTotal"), "the latest 10,000 are listed, and how many in all");
        assertEquals(1, doc.getJsonArray("spendingLimits").size());
        assertTrue(doc.getJsonArray("auditRecords").stream().anyMatch(r -> "placeHold".equals(((JsonObject) r).getString("action"))));
        // their balances, ledger lines, what they paid and what they spent per day: as their wallet and transactions show them
        long coins = Gql.ok(token, "{ wallet { coins } }").getLong("data.wallet.coins");
        assertEquals(72L, coins, "70 bought, 3 given, 5 granted");
        assertTrue(doc.getJsonArray("balances").stream().map(JsonObject.class::cast)
                .anyMatch(b -> "WALLET".equals(b.getString("account")) && b.getLong("balance") == coins), doc.getJsonArray("balances").encode());
        List<Long> walletLines = doc.getJsonArray("ledgerLines").stream().map(JsonObject.class::cast).filter(l -> "WALLET".equals(l.getString("account")))
                .map(l -> l.getLong("amount")).toList();
        assertEquals(List.of(70L, -3L, 5L), walletLines, doc.getJsonArray("ledgerLines").encode());
        assertEquals(doc.getJsonArray("ledgerLines").size(), doc.getInteger("ledgerLinesTotal"));
        assertFalse(doc.getJsonArray("ledgerLines").getJsonObject(0).containsKey("entryId"), "as their transactions show them: no entry id");
        assertEquals(1, doc.getInteger("dailySpendingTotal"));
        assertEquals(3L, doc.getJsonArray("dailySpending").getJsonObject(0).getLong("coins"));
        assertEquals(70L, doc.getJsonArray("purchaseStats").getJsonObject(0).getLong("coinsBought"));

        String account = Payouts.verifiedAccount(creator.token());
        // an admin's subscription for the creator's events: its address is the admin's, shown without its secrets
        Gql.ok(Tokens.admin(), "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { userErrors { code } } }",
                Gql.vars("i", Map.of("url", "http://127.0.0.1:9/hook?token=s3cret", "eventTypes", List.of("gift.sent"),
                        "creatorId", creator.id())));
        Gql.ok(creator.token(), "mutation($i: SetStreamGoalInput!) { setStreamGoal(input: $i) { userErrors { code } } }", Gql.vars("i", Map.of(
                "streamId", creator.stream(), "title", "Paint a mural", "kind", "COINS", "target", 100)));
        JsonObject creatorDoc = new JsonObject(given().header("Authorization", "Bearer " + creator.token()).get("/exports/my-data.json")
                .then().statusCode(200).header("Cache-Control", "no-store").extract().asString());
        JsonObject payoutAccount = creatorDoc.getJsonArray("payoutAccounts").getJsonObject(0);
        assertEquals(account, payoutAccount.getString("id"));
        assertEquals("****1234", payoutAccount.getString("maskedToken"));
        assertNotNull(payoutAccount.getString("verifiedAt"), "when, and by whom, it was verified");
        assertNotNull(payoutAccount.getString("verifiedBy"));
        assertEquals(0, creatorDoc.getInteger("webhookDeliveriesTotal"), "the log of the subscriptions they set up, not an admin's");
        assertFalse(creatorDoc.encode().contains("pp_payer_ABCDEF1234"), "the payout token is never exported whole");
        assertEquals(3L, creatorDoc.getJsonArray("giftsReceivedByStream").getJsonObject(0).getLong("gifts") == 1 ? 3L : 0L, "one gift of 3 roses");
        assertEquals(1, creatorDoc.getJsonArray("liveStreams").size());
        assertEquals("Paint a mural", creatorDoc.getJsonArray("streamGoals").getJsonObject(0).getString("title"), "their goals, in their words");
        assertEquals(0, creatorDoc.getInteger("matchesTotal"));
        assertEquals("http://127.0.0.1:9/hook", creatorDoc.getJsonArray("webhookSubscriptions").getJsonObject(0).getString("url"));
        assertFalse(creatorDoc.encode().contains("s3cret"), "no secret of the admin's address");
        given().get("/exports/my-data.json").then().statusCode(401).header("Cache-Control", "no-store");
    }

    @Test
    void erasureWaitsIsBlockedByPayoutsInFlightThenKeepsTheBooksAndRefusesTheOldToken() {
        LiveCreator creator = Gifting.liveCreator("erasecreator");
        String id = Tokens.unique("toerase");
        String token = Tokens.viewer(id);
        Flows.buyPackage(token, Flows.PKG_350, "pm_card_ok", Flows.key());
        String gift = Gifting.send(token, creator.stream(), Gifting.PERFUME, 2, Flows.key()).getString("data.sendGift.receipt.id");
        long coinsLeft = Flows.coins(token);
        assertEquals(350 - 40, coinsLeft);
        Gql.ok(token, "mutation { setSpendingLimit(input: {period: WEEK, coins: 1000}) { userErrors { code } } }");
        long lastEntry = Db.number(Db.TEST_SCHEMA, "select max(id) from journal_entry");
        long entries = Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry");
        long postings = Db.number(Db.TEST_SCHEMA, "select count(*) from posting where entry_id <= ?", lastEntry);

        JsonPath asked = Gql.ok(token, REQUEST, Gql.vars("i", Map.of("reason", "leaving")));
        String request = asked.getString("data.requestErasure.erasureRequest.id");
        assertEquals("REQUESTED", asked.getString("data.requestErasure.erasureRequest.status"));
        assertEquals(request, Gql.ok(token, REQUEST, Gql.vars("i", Map.of())).getString("data.requestErasure.erasureRequest.id"), "one open request");
        List<String> open = Gql.ok(Tokens.admin(), "{ erasureRequests(first: 100) { nodes { id userId status } } }").getList("data.erasureRequests.nodes.id");
        assertTrue(open.contains(request));

        String admin = Tokens.admin("eraser");
        assertEquals("ERASURE_BLOCKED", Gql.ok(admin, COMPLETE, Gql.vars("i", Map.of("requestId", request)))
                .getString("data.completeErasure.userErrors[0].code"), "the waiting period");
        clock.advance(Duration.ofDays(30).plusMinutes(1));

        // a creator with a payout in flight, or diamonds still held, cannot be erased yet
        String creatorRequest = Gql.ok(creator.token(), REQUEST, Gql.vars("i", Map.of())).getString("data.requestErasure.erasureRequest.id");
        clock.advance(Duration.ofDays(30).plusMinutes(1));
        JsonPath blocked = Gql.ok(admin, COMPLETE, Gql.vars("i", Map.of("requestId", creatorRequest)));
        assertEquals("ERASURE_BLOCKED", blocked.getString("data.completeErasure.userErrors[0].code"));
        assertTrue(blocked.getString("data.completeErasure.userErrors[0].message").contains("diamonds"), blocked.prettify());

        JsonPath done = Gql.ok(admin, COMPLETE, Gql.vars("i", Map.of("requestId", request, "reason", "user asked")));
        assertEquals(List.of(), done.getList("data.completeErasure.userErrors"));
        assertEquals("COMPLETED", done.getString("data.completeErasure.erasureRequest.status"));
        assertEquals(coinsLeft, done.getLong("data.completeErasure.erasureRequest.forfeitedCoins"));
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from erasure_request where id = ?::uuid and reason is not null", request),
                "the reason the person gave, in their own words, goes with them");
        // the same request again (its answer lost): the completed request, nothing done again
        long forfeits = Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry where kind = 'ERASURE_FORFEIT'");
        JsonPath again = Gql.ok(admin, COMPLETE, Gql.vars("i", Map.of("requestId", request)));
        assertEquals("COMPLETED", again.getString("data.completeErasure.erasureRequest.status"), again.prettify());
        assertEquals(forfeits, Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry where kind = 'ERASURE_FORFEIT'"), "only once");

        // the books: nothing deleted, one forfeit entry more, amounts kept, audit clean
        assertEquals(entries, Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry where id <= ?", lastEntry), "no entry deleted");
        assertEquals(postings, Db.number(Db.TEST_SCHEMA, "select count(*) from posting where entry_id <= ?", lastEntry), "no posting deleted");
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from journal_entry where kind = 'ERASURE_FORFEIT' and cause_id = ?::uuid", request));
        assertEquals(40, Db.number(Db.TEST_SCHEMA, "select coins from gift_event where id = ?::uuid", gift));
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a on a.id = b.account_id "
                + "where a.owner_id = ? and a.purpose = 'WALLET'", id));
        LedgerChecks.assertClean();

        // the person: a pseudonym, no settings; the creator's records show the pseudonym
        Map<String, Object> user = Db.rows(Db.TEST_SCHEMA, "select display_name, birthdate, erased_at from app_user where id = ?", id).get(0);
        assertTrue(user.get("display_name").toString().startsWith("Erased user "), user.toString());
        assertEquals(null, user.get("birthdate"));
        assertNotNull(user.get("erased_at"));
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from spending_limit where user_id = ?", id));
        String senders = Gql.ok(creator.token(), "{ giftsReceived(first: 100) { nodes { id sender { displayName } } } }").prettify();
        assertTrue(senders.contains(user.get("display_name").toString()), senders);

        // the old token is refused, on the API and on the downloads
        assertEquals("UNAUTHENTICATED", Gql.errorCode(Gql.post(token, "{ wallet { coins } }", null)));
        given().header("Authorization", "Bearer " + token).get("/exports/history.csv").then().statusCode(401);
        assertTrue(Gql.ok(Tokens.admin(), "{ auditLog(filter: {action: \"completeErasure\", targetId: \"" + id + "\"}) { nodes { outcome } } }")
                .getList("data.auditLog.nodes.outcome").contains("DONE"));
    }

    static final String BOARD = """
            query($i: LeaderboardInput!) { leaderboard(input: $i) { nodes { rank coins gifts profile { id displayName } } pageInfo { hasNextPage endCursor } } }
            """;

    static Map<String, Object> board(String scope, String creatorId, String at, String after) {
        Map<String, Object> input = new java.util.HashMap<>(Map.of("scope", scope, "period", "DAY", "at", at, "first", 100));
        if (creatorId != null) {
            input.put("creatorId", creatorId);
        }
        if (after != null) {
            input.put("after", after);
        }
        return Gql.vars("i", input);
    }

    /**
     * An erased creator stays on the top-creators board under the pseudonymous id, never their user id: their supporters'
     * board answers to that id, and asked for by the user id there is no such creator (as liveStreams(creatorId:) finds
     * none), or the two answers would tie the pseudonym to the person.
     */
    @Test
    void anErasedCreatorsSupportersBoardAnswersToThePseudonymousIdNotTheUserId() {
        LiveCreator creator = Gifting.liveCreator("boardgone");
        Viewer fan = Gifting.fundedViewer("boardgonefan", 5000);
        JsonPath sent = Gifting.send(fan.token(), creator.stream(), Gifting.GALAXY, 5, Flows.key());
        assertEquals(null, Gifting.code(sent), sent.prettify());
        String at = sent.getString("data.sendGift.receipt.createdAt");
        Rollups.drain();
        List<Object> before = Gql.ok(null, BOARD, board("CREATOR_SUPPORTERS", creator.id(), at, null)).getList("data.leaderboard.nodes");
        assertTrue(before.toString().contains(fan.id()), before.toString());

        // diamonds block erasure: they mature, and are paid out in full
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        long available = Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.available");
        String payout = Payouts.request(creator.token(), available, Payouts.verifiedAccount(creator.token()), Flows.key())
                .getString("data.requestPayout.payout.id");
        String admin = Tokens.admin("boardpayer");
        assertEquals("APPROVED", Gql.ok(admin, "mutation($input: PayoutActionInput!) { approvePayout(input: $input) { payout { status } } }",
                Gql.input("payoutId", payout)).getString("data.approvePayout.payout.status"));
        assertEquals("PAID", Gql.ok(admin, "mutation($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { payout { status } } }",
                Gql.input("payoutId", payout, "externalReference", "pp_boardgone")).getString("data.markPayoutPaid.payout.status"));
        Erasures.erase(creator.token());

        String pseudonym = String.valueOf(Db.rows(Db.TEST_SCHEMA, "select display_name from app_user where id = ?", creator.id()).get(0).get("display_name"));
        String pseudonymousId = ErasedAccounts.pseudonymousId(pseudonym);
        // the id a client reads off the top-creators board
        boolean onTopCreators = false;
        String after = null;
        for (int page = 0; page < 50 && !onTopCreators; page++) {
            JsonPath top = Gql.ok(null, BOARD, board("TOP_CREATORS", null, at, after));
            List<String> ids = top.getList("data.leaderboard.nodes.profile.id");
            assertFalse(ids.contains(creator.id()), "never the user id on the creators' board");
            onTopCreators = ids.contains(pseudonymousId);
            after = top.getString("data.leaderboard.pageInfo.endCursor");
            if (!top.getBoolean("data.leaderboard.pageInfo.hasNextPage")) {
                break;
            }
        }
        assertTrue(onTopCreators, "the erased creator stays on the top-creators board as " + pseudonymousId);

        assertEquals("NOT_FOUND", Gql.errorCode(Gql.post(null, BOARD, board("CREATOR_SUPPORTERS", creator.id(), at, null))),
                "asked for by the user id, the erased creator's board would tie the pseudonym to them");
        assertEquals(before, Gql.ok(null, BOARD, board("CREATOR_SUPPORTERS", pseudonymousId, at, null)).getList("data.leaderboard.nodes"),
                "the pseudonymous id answers the same board");
        // nor does the fan's own data export tie them: the gift names the creator as their profile does now
        JsonObject export = new JsonObject(Gql.ok(fan.token(), EXPORT).getString("data.exportMyData.document"));
        assertEquals(pseudonymousId, export.getJsonArray("giftsSent").getJsonObject(0).getString("creatorId"), export.encode());
        assertFalse(export.encode().contains(creator.id()), "the fan's export never names the erased creator's user id");
        LedgerChecks.assertClean();
    }

    /**
     * A goal's title is the creator's own words: after their erasure the public streamGoals shows the goal, its amounts
     * kept, under a neutral title (as the goal.reached payloads lose theirs).
     */
    @Test
    void anErasedCreatorsGoalsKeepTheirAmountsButNotTheirWords() {
        LiveCreator creator = Gifting.liveCreator("goalgone");
        JsonPath set = Gql.ok(creator.token(), "mutation($i: SetStreamGoalInput!) { setStreamGoal(input: $i) { goal { id } userErrors { code } } }",
                Gql.vars("i", Map.of("streamId", creator.stream(), "title", "Maria's 30th birthday", "kind", "COINS", "target", 100)));
        assertEquals(List.of(), set.getList("data.setStreamGoal.userErrors"));
        Erasures.erase(creator.token());
        String goals = "query($s: ID!) { streamGoals(streamId: $s) { title target active } }";
        JsonPath after = Gql.ok(null, goals, Gql.vars("s", creator.stream()));
        assertEquals(List.of(PersonalData.ERASED_GOAL_TITLE), after.getList("data.streamGoals.title"));
        assertEquals(100, after.getLong("data.streamGoals[0].target"));
    }

    /**
     * An erasure this instance has not heard of yet (committed elsewhere a moment ago, or its notice missed) still
     * leaves no answer by the creator's user id that ties it to the pseudonym their streams and board now show.
     */
    @Test
    void anErasureNotYetHeardOfStillLeavesNothingToFindByTheUserId() {
        LiveCreator creator = Gifting.liveCreator("unheardgone");
        String streams = "query($c: ID!) { liveStreams(creatorId: $c, liveOnly: false) { nodes { id } } }";
        assertEquals(1, Gql.ok(null, streams, Gql.vars("c", creator.id())).getList("data.liveStreams.nodes").size());
        // as another instance's erasure looks to this one before its notice arrives (the row only; no notice)
        Db.rows(Db.TEST_SCHEMA, "update app_user set erased_at = now(), display_name = 'Erased unheard' where id = ? returning id", creator.id());
        assertEquals(List.of(), Gql.ok(null, streams, Gql.vars("c", creator.id())).getList("data.liveStreams.nodes"));
        assertEquals("NOT_FOUND", Gql.errorCode(Gql.post(null, BOARD, board("CREATOR_SUPPORTERS", creator.id(), java.time.Instant.now().toString(), null))));
    }

    @jakarta.inject.Inject
    com.coinstream.live.StreamDirectory streamDirectory;
    @jakarta.inject.Inject
    jakarta.enterprise.event.Event<ErasedAccounts.AccountErased> erasedEvents;

    /**
     * The memory of a live stream holds its creator's name and birthdate: an erasure this instance learns of in any way
     * (here the event the re-read of the database fires when a notice was missed) drops it.
     */
    @Test
    void anErasureLearntOfAnyWayDropsTheStreamsMemoryOfTheCreator() {
        LiveCreator creator = Gifting.liveCreator("memorygone");
        java.util.UUID stream = java.util.UUID.fromString(creator.stream());
        String name = streamDirectory.find(stream).await().indefinitely().orElseThrow().creatorName();
        Db.rows(Db.TEST_SCHEMA, "update app_user set erased_at = now(), display_name = 'Erased memory', birthdate = null where id = ? returning id",
                creator.id());
        assertEquals(name, streamDirectory.find(stream).await().indefinitely().orElseThrow().creatorName(), "remembered until told");
        erasedEvents.fire(new ErasedAccounts.AccountErased(creator.id(), "Erased memory"));
        assertEquals("Erased memory", streamDirectory.find(stream).await().indefinitely().orElseThrow().creatorName());
    }

    /**
     * What an admin did stays in the books after the admin's erasure, but the person it was done to (their export) and
     * the creator whose payout they approved (its transitions) see the admin by the pseudonymous id, never the user id.
     */
    @Test
    void anErasedAdminIsShownToOthersByThePseudonymousId() {
        LiveCreator creator = Gifting.liveCreator("adminseen");
        Viewer fan = Gifting.fundedViewer("adminseenfan", 5000);
        assertEquals(null, Gifting.code(Gifting.send(fan.token(), creator.stream(), Gifting.GALAXY, 5, Flows.key())));
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        long available = Payouts.earnings(creator.token()).getLong("data.earnings.diamonds.available");
        String payout = Payouts.request(creator.token(), available, Payouts.verifiedAccount(creator.token()), Flows.key())
                .getString("data.requestPayout.payout.id");
        String adminId = Tokens.unique("adminseen");
        String admin = Tokens.admin(adminId);
        assertEquals("APPROVED", Gql.ok(admin, "mutation($input: PayoutActionInput!) { approvePayout(input: $input) { payout { status } } }",
                Gql.input("payoutId", payout)).getString("data.approvePayout.payout.status"));
        JsonPath granted = Gql.ok(admin, "mutation($input: GrantCoinsInput!) { grantCoins(input: $input) { userErrors { code } } }",
                Gql.input("userId", fan.id(), "coins", 10, "reason", "goodwill", "idempotencyKey", Flows.key()));
        assertEquals(List.of(), granted.getList("data.grantCoins.userErrors"));
        Erasures.erase(admin);
        String pseudonymousId = ErasedAccounts.pseudonymousId(String.valueOf(Db.rows(Db.TEST_SCHEMA,
                "select display_name from app_user where id = ?", adminId).get(0).get("display_name")));

        String export = Gql.ok(fan.token(), EXPORT).getString("data.exportMyData.document");
        assertFalse(export.contains(adminId), "the fan's export never names the erased admin's user id");
        assertTrue(export.contains("\"actorId\" : \"" + pseudonymousId + "\"") || export.contains("\"actorId\":\"" + pseudonymousId + "\""), export);
        List<String> actors = Gql.ok(creator.token(), "{ payouts { nodes { id transitions { actor } } } }").getList("data.payouts.nodes[0].transitions.actor");
        assertTrue(actors.contains(pseudonymousId), actors.toString());
        assertFalse(actors.contains(adminId), actors.toString());
    }

    /** An admin who verifies an erased creator's payout account is refused, and the scrubbed account stays scrubbed. */
    @Test
    void aPayoutAccountOfAnErasedCreatorCannotBeVerifiedBackIntoBeing() {
        LiveCreator creator = Gifting.liveCreator("verifygone");
        String account = Gql.ok(creator.token(), "mutation { registerPayoutAccount(input: {kind: PAYPAL, externalToken: \"pp_payer_GONE1234\", "
                + "label: \"Jane Doe PayPal\"}) { payoutAccount { id } } }").getString("data.registerPayoutAccount.payoutAccount.id");
        Erasures.erase(creator.token());
        JsonPath verify = Gql.ok(Tokens.admin(), "mutation($input: VerifyPayoutAccountInput!) { verifyPayoutAccount(input: $input) "
                + "{ payoutAccount { verified } userErrors { code } } }", Gql.input("payoutAccountId", account, "verified", true));
        assertEquals("INVALID_STATE", verify.getString("data.verifyPayoutAccount.userErrors[0].code"), verify.prettify());
        Map<String, Object> row = Db.rows(Db.TEST_SCHEMA, "select label, external_token, verified_at from payout_account where id = ?::uuid", account).get(0);
        assertEquals("Erased", row.get("label"));
        assertFalse(String.valueOf(row.get("external_token")).contains("GONE1234"), row.toString());
        assertEquals(null, row.get("verified_at"));
    }

    static final String SUBSCRIBE = """
            mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } userErrors { code } } }
            """;
    static final String END_STREAM = "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }";

    /** {@code inviter} challenges {@code invitee}, who accepts: the running match's id. */
    static String runningMatch(LiveCreator inviter, LiveCreator invitee) {
        JsonPath invited = Gql.ok(inviter.token(), "mutation($i: InviteToMatchInput!) { inviteToMatch(input: $i) { match { id } userErrors { code } } }",
                Gql.vars("i", Map.of("streamId", inviter.stream(), "opponentStreamId", invitee.stream(), "durationSeconds", 600)));
        String match = invited.getString("data.inviteToMatch.match.id");
        assertNotNull(match, invited.prettify());
        JsonPath accepted = Gql.ok(invitee.token(), "mutation($i: RespondToMatchInviteInput!) { respondToMatchInvite(input: $i) { match { status } userErrors { code } } }",
                Gql.vars("i", Map.of("matchId", match, "accept", true)));
        assertEquals("RUNNING", accepted.getString("data.respondToMatchInvite.match.status"), accepted.prettify());
        return match;
    }

    /**
     * An erased creator's matches reach the other creator's webhooks (match.ended) under the pseudonymous id, never their user
     * id: an earlier one already delivered, and the one the erasure itself queues when ending their stream forfeits a match.
     */
    @Test
    void matchEndedPayloadsNameAnErasedCreatorByThePseudonymousIdNotTheUserId() {
        LiveCreator creator = Gifting.liveCreator("matchgone"); // never gifted: no diamonds, so erasable
        LiveCreator rival = Gifting.liveCreator("matchgonerival");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonPath created = Gql.ok(rival.token(), SUBSCRIBE, Gql.vars("i", Map.of("url", receiver.url(), "eventTypes", List.of("match.ended"))));
            String subscription = created.getString("data.createWebhookSubscription.subscription.id");
            assertNotNull(subscription, created.prettify());
            String earlier = runningMatch(creator, rival);
            Gql.ok(rival.token(), END_STREAM, Gql.vars("i", Map.of("streamId", rival.stream()))); // the rival forfeits
            WebhookReceiver.await(Duration.ofSeconds(20), () -> !receiver.ofType("match.ended").isEmpty(), "the earlier match's end, delivered");
            LiveCreator back = new LiveCreator(rival.id(), rival.token(), Gifting.startStream(rival.token(), "Rematch"));
            String forfeited = runningMatch(back, creator);
            // the platform's subscriptions see a named gift's senderId: the creator gifts the rival once, as a viewer
            String admin = Tokens.admin();
            String platform = Gql.ok(admin, SUBSCRIBE, Gql.vars("i", Map.of("url", receiver.url(), "eventTypes", List.of("gift.sent"))))
                    .getString("data.createWebhookSubscription.subscription.id");
            Flows.buyPackage(creator.token(), Flows.PKG_70, "pm_card_ok", Flows.key());
            try {
                Gifting.send(creator.token(), back.stream(), Gifting.ROSE, 1, Flows.key());
            } finally {
                // (the sender's own outbox row stays; every later test's gifts would queue for it otherwise)
                Db.rows(Db.TEST_SCHEMA, "update webhook_subscription set status = 'DISABLED' where id = ?::uuid", platform);
            }
            assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid and data->>'senderId' = ?",
                    platform, creator.id()), "the gift's senderId, before the erasure");

            Erasures.erase(creator.token());

            String pseudonym = String.valueOf(Db.rows(Db.TEST_SCHEMA, "select display_name from app_user where id = ?", creator.id()).get(0).get("display_name"));
            String pseudonymousId = ErasedAccounts.pseudonymousId(pseudonym);
            assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery where position(? in data::text) > 0", creator.id()),
                    "no payload, for any subscription, names the erased creator's user id");
            assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid and data->>'senderId' = ?",
                    platform, pseudonymousId), "the platform's gift.sent names the sender by the pseudonymous id");
            assertEquals(List.of(Map.of("matchId", earlier, "inviterId", pseudonymousId, "inviteeId", rival.id()),
                    Map.of("matchId", forfeited, "inviterId", rival.id(), "inviteeId", pseudonymousId)),
                    Db.rows(Db.TEST_SCHEMA, "select data->>'matchId' as \"matchId\", data->>'inviterId' as \"inviterId\", data->>'inviteeId' as \"inviteeId\" "
                            + "from webhook_delivery where subscription_id = ?::uuid order by id", subscription), "the rival's delivery log");
            WebhookReceiver.await(Duration.ofSeconds(20), () -> receiver.ofType("match.ended").stream()
                    .anyMatch(r -> forfeited.equals(r.data().getString("matchId"))), "the forfeited match's end, delivered");
            receiver.ofType("match.ended").stream().filter(r -> forfeited.equals(r.data().getString("matchId")))
                    .forEach(r -> assertEquals(pseudonymousId, r.data().getString("inviteeId"), "sent as the erasure left it: " + r.body()));
            Gql.ok(back.token(), END_STREAM, Gql.vars("i", Map.of("streamId", back.stream())));
        }
    }

    /**
     * A delivery already claimed when the erasure commits is sent as the erasure left it: the receiver's listen queue is
     * full, so the attempt waits in its connect (the kernel drops its SYN until the retry a second later) with the
     * delivery leased; the erasure completes meanwhile; the same attempt then connects and sends. Its payload is read when
     * it is written, under the row lock the erasure's rewrite takes (it was read at the claim before, and went out with
     * the person's name).
     */
    @Test
    void aDeliveryClaimedBeforeTheErasureIsSentAsTheErasureLeftIt() throws Exception {
        LiveCreator creator = Gifting.liveCreator("claimedcreator");
        Viewer viewer = Gifting.fundedViewer("claimedviewer", 70);
        String name = String.valueOf(Db.rows(Db.TEST_SCHEMA, "select display_name from app_user where id = ?", viewer.id()).get(0).get("display_name"));
        try (java.net.ServerSocket gate = new java.net.ServerSocket()) {
            List<java.net.Socket> fillers = fullListenQueue(gate);
            String subscription = Gql.ok(creator.token(), SUBSCRIBE, Gql.vars("i", Map.of("url", "http://127.0.0.1:" + gate.getLocalPort() + "/hook",
                    "eventTypes", List.of("gift.sent")))).getString("data.createWebhookSubscription.subscription.id");
            assertNotNull(subscription);
            Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, Flows.key());
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid and lease_until > now()",
                    subscription) == 0 && System.nanoTime() < until) {
                sleep(10);
            }
            long erasing = System.nanoTime();
            Erasures.erase(viewer.token()); // while the attempt is connecting
            long erasedIn = (System.nanoTime() - erasing) / 1_000_000;
            String pseudonym = String.valueOf(Db.rows(Db.TEST_SCHEMA, "select display_name from app_user where id = ?", viewer.id()).get(0).get("display_name"));
            java.util.concurrent.CompletableFuture<String> sent = new java.util.concurrent.CompletableFuture<>();
            Thread server = new Thread(() -> {
                try {
                    while (!sent.isDone()) {
                        try (java.net.Socket s = gate.accept()) {
                            s.setSoTimeout(5_000);
                            String request = readRequest(s.getInputStream());
                            if (request != null) {
                                s.getOutputStream().write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                                sent.complete(request);
                            }
                        } catch (java.io.IOException e) {
                            // a filler, closed
                        }
                    }
                } catch (RuntimeException e) {
                    sent.completeExceptionally(e);
                }
            });
            server.setDaemon(true);
            for (java.net.Socket filler : fillers) {
                filler.close();
            }
            server.start();
            String request = sent.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(request.contains(pseudonym) && !request.contains(name), "sent as the erasure left it (erased in " + erasedIn + " ms): " + request);
            assertEquals(1L, Db.number(Db.TEST_SCHEMA, "select max(attempts) from webhook_delivery where subscription_id = ?::uuid", subscription),
                    "the attempt claimed before the erasure is the one that sent it (erased in " + erasedIn + " ms)");
        }
    }

    /**
     * An attempt connecting when its subscription's owner is erased (the erasure deletes their subscriptions to their own
     * events) sends nothing: the subscription is read again, after the delivery's lock, in a statement of its own.
     */
    @Test
    void aDeliveryConnectingWhenItsOwnerIsErasedIsNotSent() throws Exception {
        LiveCreator creator = Gifting.liveCreator("connectingowner"); // never gifted: no diamonds, so erasable
        try (java.net.ServerSocket gate = new java.net.ServerSocket()) {
            List<java.net.Socket> fillers = fullListenQueue(gate);
            String subscription = Gql.ok(creator.token(), SUBSCRIBE, Gql.vars("i", Map.of("url", "http://127.0.0.1:" + gate.getLocalPort() + "/hook",
                    "eventTypes", List.of("gift.sent")))).getString("data.createWebhookSubscription.subscription.id");
            Gql.ok(creator.token(), "mutation($i: SendTestWebhookEventInput!) { sendTestWebhookEvent(input: $i) { userErrors { code } } }",
                    Gql.vars("i", Map.of("subscriptionId", subscription)));
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_delivery where subscription_id = ?::uuid and lease_until > now()",
                    subscription) == 0 && System.nanoTime() < until) {
                sleep(10);
            }
            Gql.ok(creator.token(), END_STREAM, Gql.vars("i", Map.of("streamId", creator.stream())));
            Erasures.erase(creator.token());
            java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
            Thread server = new Thread(() -> {
                while (!gate.isClosed()) {
                    try (java.net.Socket s = gate.accept()) {
                        s.setSoTimeout(3_000);
                        if (readRequest(s.getInputStream()) != null) {
                            requests.incrementAndGet();
                            s.getOutputStream().write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        }
                    } catch (java.io.IOException e) {
                        // a filler, closed; or the gate, closed
                    }
                }
            });
            server.setDaemon(true);
            for (java.net.Socket filler : fillers) {
                filler.close();
            }
            server.start();
            sleep(4_000); // the attempt connects a second after its first try, and would have sent then
            assertEquals(0, requests.get(), "nothing sent to the endpoint of a subscription the erasure deleted");
        }
    }

    /**
     * Binds {@code gate} on loopback with a listen queue of one and fills the queue with connections it never accepts: a
     * new connection then waits in its connect (the kernel drops its SYN) until the queue has room again. Close the
     * returned connections and accept to let it in (its SYN is sent again a second after the first).
     */
    private static List<java.net.Socket> fullListenQueue(java.net.ServerSocket gate) throws java.io.IOException {
        gate.bind(new java.net.InetSocketAddress("127.0.0.1", 0), 1);
        java.net.InetSocketAddress bound = new java.net.InetSocketAddress("127.0.0.1", gate.getLocalPort());
        List<java.net.Socket> fillers = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            java.net.Socket filler = new java.net.Socket();
            try {
                filler.connect(bound, 300);
                fillers.add(filler);
            } catch (java.net.SocketTimeoutException full) {
                filler.close();
                break;
            }
        }
        return fillers;
    }

    /** One HTTP request with its body (by Content-Length), or null when the peer closed first. */
    private static String readRequest(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (b < 0) {
            return null;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int n = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return head + new String(in.readNBytes(n), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Inject
    com.coinstream.identity.ErasedAccounts erasedAccounts;

    /**
     * An export in flight when the erasure commits (its request passed the token check before it) is not answered after
     * it: neither the JSON document, checked against the database once built, nor a CSV download, broken off at its
     * next chunk once this instance knows of an erasure (anyone's: its rows may name them).
     */
    @Test
    void anExportInFlightDuringTheErasureIsNotAnsweredAfterIt() {
        String id = Tokens.unique("inflightexport");
        String token = Tokens.viewer(id);
        Gql.ok(token, "{ me { id } }", null);
        com.coinstream.support.Erasures.erase(token);
        var refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> personalData.export(id, Runnable::run).await().atMost(Duration.ofSeconds(30)));
        assertTrue(refused instanceof io.quarkus.security.UnauthorizedException, String.valueOf(refused));

        // a download breaks off at anyone's erasure (its rows may name them: a fan in a creator's gifts received)
        String downloader = Tokens.unique("inflightdownload");
        String fan = Tokens.unique("erasedfan");
        java.util.List<String> sent = new java.util.ArrayList<>();
        var cut = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> erasedAccounts.cutOffAtAnErasure(downloader, io.smallrye.mutiny.Multi.createFrom().items("header\n", "rows 1\n", "rows 2\n"))
                        .onItem().invoke(line -> {
                            sent.add(line);
                            erasedAccounts.markErased(fan, "Erased user test");
                        }).collect().asList().await().atMost(Duration.ofSeconds(5)));
        assertTrue(cut instanceof com.coinstream.db.Cursors.CutOff, String.valueOf(cut));
        assertEquals(List.of("header\n"), sent);
    }

    /**
     * A personal data export keeps the person's place until its answer has left the server, not just until it is built:
     * a client that asks and never reads holds it (another export of theirs meanwhile is RATE_LIMITED, where before any
     * number of documents could wait in the server's buffers), and is disconnected a stall timeout (3 s in tests) after
     * its answer was written, which gives the place back.
     */
    @Test
    void anExportItsClientNeverReadsHoldsItsPlaceUntilTheClientIsDisconnected() throws Exception {
        String id = Tokens.unique("unreadexport");
        String token = Tokens.viewer(id);
        Gql.ok(token, "{ me { id } }", null);
        com.coinstream.support.Db.rows(com.coinstream.support.Db.TEST_SCHEMA, "insert into purchase (id, user_id, coins, price_minor, currency, "
                + "status, provider, created_at, updated_at) select gen_random_uuid(), ?, 70, 99, 'USD', 'FAILED', 'test', "
                + "timestamptz '2026-11-01' + n * interval '1 second', now() from generate_series(1, 10000) n", id);
        // and their provider's events, with long ids: a document (about 6 MB) larger than any socket buffers can take
        com.coinstream.support.Db.rows(com.coinstream.support.Db.TEST_SCHEMA, "insert into payment_event (provider, event_id, event_type, "
                + "purchase_id, received_at) select 'test', md5(p.id::text) || repeat('e', 250), 'payment_failed', p.id, now() "
                + "from purchase p where p.user_id = ?", id);
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("localhost", port));
            socket.getOutputStream().write(("GET /exports/my-data.json HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.setSoTimeout(20_000);
            byte[] head = socket.getInputStream().readNBytes(12);
            assertEquals("HTTP/1.1 200", new String(head, java.nio.charset.StandardCharsets.US_ASCII));
            // the document is written, most of it still in the server's buffer: the person's place is still taken
            var meanwhile = given().header("Authorization", "Bearer " + token).get("/exports/my-data.json");
            assertEquals(429, meanwhile.statusCode(), meanwhile.asString());
            assertEquals("RATE_LIMITED", meanwhile.jsonPath().getString("errors[0].extensions.code"));
            // a stall timeout later the client is disconnected, and the place is free again
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int status = 429;
            while (status == 429 && System.nanoTime() < until) {
                Thread.sleep(250);
                status = given().header("Authorization", "Bearer " + token).get("/exports/my-data.json").statusCode();
            }
            assertEquals(200, status, "served again once the client that never read was disconnected");
        }
        // a client that reads its answer gives the place back as it is read: exports one right after another are all served
        for (int i = 0; i < 5; i++) {
            var again = given().header("Authorization", "Bearer " + token).get("/exports/my-data.json");
            assertEquals(200, again.statusCode(), again.asString().substring(0, Math.min(300, again.asString().length())));
            Gql.ok(token, "{ exportMyData { document } }", null);
        }
    }

    /**
     * The same admin's completion sent several times at once (a retry racing its first try, on any instance) answers
     * each the completed request: the first completes it, the others are replays under the person's lock (they were
     * refused with INVALID_STATE and recorded as refused), and one record says it was done.
     */
    @Test
    void theSameAdminsCompletionSentManyTimesAtOnceCompletesOnceAndAnswersEach() {
        String id = Tokens.unique("twinerase");
        String token = Tokens.viewer(id);
        Gql.ok(token, "{ me { id } }");
        String request = com.coinstream.support.Erasures.requestDue(token);
        String adminId = Tokens.unique("twineraser");
        String admin = Tokens.admin(adminId);
        List<String> answers = com.coinstream.support.Race.run(8, i -> {
            JsonPath r = Gql.ok(admin, COMPLETE, Gql.vars("i", Map.of("requestId", request)));
            return r.getString("data.completeErasure.erasureRequest.status") + " " + r.getList("data.completeErasure.userErrors");
        });
        assertEquals(java.util.Collections.nCopies(8, "COMPLETED []"), answers);
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where actor_id = ? and action = 'completeErasure'", adminId));
        LedgerChecks.assertClean();
    }

    /** Erasure is final: requests of the person in flight while it completes never write their name or birthdate back. */
    @Test
    void requestsInFlightDuringAnErasureNeverBringThePersonBack() {
        String admin = Tokens.admin("finaleraser");
        for (int round = 0; round < 5; round++) {
            String id = Tokens.unique("inflight");
            String plain = Tokens.viewer(id);
            String request = Gql.ok(plain, REQUEST, Gql.vars("i", Map.of())).getString("data.requestErasure.erasureRequest.id");
            clock.advance(Duration.ofDays(30).plusMinutes(1));
            // every racing request signs in with a name and a birthdate the erasure must not see come back
            String named = Tokens.builder(id, java.util.Set.of("viewer"), "1985-05-05", "US").claim("name", "Real Name " + round).sign(Tokens.key());
            List<Object> answers = com.coinstream.support.Race.<Object>run(25, i -> i == 0
                    ? Gql.ok(admin, COMPLETE, Gql.vars("i", Map.of("requestId", request))).getString("data.completeErasure.erasureRequest.status")
                    : Gql.post(named, "{ me { id displayName } }", null).statusCode());
            assertEquals("COMPLETED", answers.get(0));
            Map<String, Object> user = Db.rows(Db.TEST_SCHEMA, "select display_name, birthdate from app_user where id = ?", id).get(0);
            assertTrue(user.get("display_name").toString().startsWith("Erased user "), "round " + round + ": " + user);
            assertEquals(null, user.get("birthdate"), "round " + round);
            assertEquals("UNAUTHENTICATED", Gql.errorCode(Gql.post(named, "{ me { id } }", null)));
            // public queries too: an erased person's token is refused before anything runs
            var publicQuery = Gql.post(plain, "{ rates { version } giftCatalogue(region: \"US\") { id } }", null);
            assertEquals(401, publicQuery.statusCode());
            assertEquals("UNAUTHENTICATED", Gql.errorCode(publicQuery));
            // the database itself keeps the row as the erasure left it, and a setting an admin tries is refused
            var refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> Db.rows(Db.TEST_SCHEMA, "update app_user set display_name = 'Back again' where id = ?", id));
            assertTrue(String.valueOf(refused.getCause()).contains("has been erased"), String.valueOf(refused.getCause()));
            assertEquals("INVALID_STATE", Gql.ok(admin, "mutation($i: PlaceHoldInput!) { placeHold(input: $i) { userErrors { code } } }",
                    Gql.vars("i", Map.of("userId", id, "reason", "after erasure"))).getString("data.placeHold.userErrors[0].code"));
        }
        LedgerChecks.assertClean();
    }

    /**
     * Erasure is a fence: gifts of the person in flight either land before the forfeit entry (and their coins are not
     * forfeited twice) or are refused; a stream they start while it completes is never left live.
     */
    @Test
    void anErasureFencesOffTheGiftsAndStreamsOfThePersonStillInFlight() {
        String admin = Tokens.admin("fenceeraser");
        LiveCreator creator = Gifting.liveCreator("fencecreator");
        for (int round = 0; round < 3; round++) {
            String id = Tokens.unique("fenced");
            String token = Tokens.viewer(id);
            Flows.buyPackage(token, Flows.PKG_350, "pm_card_ok", Flows.key());
            String request = Gql.ok(token, REQUEST, Gql.vars("i", Map.of())).getString("data.requestErasure.erasureRequest.id");
            clock.advance(Duration.ofDays(30).plusMinutes(1));
            List<Object> answers = com.coinstream.support.Race.<Object>run(31, i -> i == 0
                    ? Gql.ok(admin, COMPLETE, Gql.vars("i", Map.of("requestId", request))).getString("data.completeErasure.erasureRequest.status")
                    : Gql.post(token, Gifting.SEND, Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1,
                            "idempotencyKey", Flows.key())).asString());
            assertEquals("COMPLETED", answers.get(0));
            long sent = Db.number(Db.TEST_SCHEMA, "select count(*) from gift_event where sender_id = ?", id);
            long forfeited = Db.number(Db.TEST_SCHEMA, "select forfeited_coins from erasure_request where id = ?::uuid", request);
            assertEquals(350, sent + forfeited, "round " + round + ": every coin was either gifted before the erasure or forfeited by it");
            assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from gift_event g join erasure_request r on r.user_id = g.sender_id "
                    + "where r.id = ?::uuid and g.entry_id > r.forfeit_entry_id", request), "no gift booked after the forfeit entry");
            for (Object answer : answers.subList(1, answers.size())) {
                String text = answer.toString();
                assertTrue(text.contains("\"userErrors\":[]") || text.contains("FORBIDDEN") || text.contains("UNAUTHENTICATED"), text);
            }
        }
        // a creator's stream started while their erasure completes is ended by it, or never starts
        String creatorId = Tokens.unique("fencedcreator");
        String creatorToken = Tokens.creator(creatorId);
        String request = Gql.ok(creatorToken, REQUEST, Gql.vars("i", Map.of())).getString("data.requestErasure.erasureRequest.id");
        clock.advance(Duration.ofDays(30).plusMinutes(1));
        com.coinstream.support.Race.<Object>run(11, i -> i == 0
                ? Gql.ok(admin, COMPLETE, Gql.vars("i", Map.of("requestId", request))).getString("data.completeErasure.erasureRequest.status")
                : Gql.post(creatorToken, "mutation { startLiveStream(input: {title: \"racing\"}) { liveStream { id } userErrors { code } } }", null)
                        .statusCode());
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from live_stream where creator_id = ? and status = 'LIVE'", creatorId));
        LedgerChecks.assertClean();
    }

    @Inject
    PersonalData personalData;

    /**
     * No erasure request opens for a person already erased, even one sent while their erasure commits: it waits for the
     * erasure and is refused (INVALID_STATE). It once passed its check on a snapshot from before the erasure, waited on the
     * open request's index entry, and then opened a request for the erased person that nobody could ever complete.
     */
    @Test
    void aRequestSentWhileTheErasureCommitsOpensNoRequestForTheErasedPerson() throws Exception {
        String id = Tokens.unique("lastword");
        String token = Tokens.viewer(id);
        String request = Erasures.requestDue(token);
        CompletableFuture<JsonPath> completed;
        CompletableFuture<Response> asked;
        try (Connection blocker = Db.connect(Db.TEST_SCHEMA)) {
            blocker.setAutoCommit(false);
            // the erasure's last write is its audit record: held there, it has erased the person and completed their request
            Db.rows(blocker, "lock table admin_audit in share mode");
            completed = CompletableFuture.supplyAsync(() -> Erasures.complete(request));
            awaitLockWaiters("query like 'insert into admin_audit%'");
            asked = CompletableFuture.supplyAsync(() -> Gql.post(token, REQUEST, Gql.vars("i", Map.of("reason", "once more"))));
            awaitLockWaiters("(query like '%erasure_request%' or query like '%pg_advisory_xact_lock%')");
            blocker.rollback();
        }
        assertEquals("COMPLETED", completed.get(30, TimeUnit.SECONDS).getString("data.completeErasure.erasureRequest.status"));
        Response answer = asked.get(30, TimeUnit.SECONDS);
        assertEquals("INVALID_STATE", answer.jsonPath().getString("data.requestErasure.userErrors[0].code"), answer.asString());
        assertEquals(0, Db.number(Db.TEST_SCHEMA, "select count(*) from erasure_request where user_id = ? and status = 'REQUESTED'", id));

        // later still (a token an instance has not yet heard is erased): the same refusal, from the database's fence
        Caller person = new Caller(id, Set.of("viewer"), Optional.empty(), "US", ZoneOffset.UTC, id);
        Throwable late = assertThrows(Throwable.class, () -> personalData.request(person, null).await().indefinitely());
        assertEquals(ErrorCode.INVALID_STATE, Payloads.refusalIn(late).orElseThrow().code(), String.valueOf(late));
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(*) from erasure_request where user_id = ?", id));
    }

    private static void awaitLockWaiters(String which) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (Db.number(Db.TEST_SCHEMA, "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and " + which) > 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing came to wait: " + which);
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.test-port")
    int port;

    /**
     * The person's open subscriptions end with UNAUTHENTICATED when their erasure completes: their wallet, and a room's
     * feeds, also one they read by a creator's overlay key.
     */
    @Test
    void anErasureEndsThePersonsOpenSubscriptions() throws Exception {
        LiveCreator creator = Gifting.liveCreator("subscreator");
        String id = Tokens.unique("subsgone");
        String token = Tokens.viewer(id);
        com.coinstream.support.Flows.fund(id, token, 10);
        try (com.coinstream.support.FeedClient client = com.coinstream.support.FeedClient.connect(port, token)) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("w", "subscription { walletChanged { coins } }");
            client.subscribe("a", "subscription($s: ID!) { streamActivity(streamId: $s) { kind } }", Map.of("s", creator.stream()));
            client.subscribeGifts("g", creator.stream());
            // signed in, reading by the creator's overlay key: still the person, so it ends with them too
            String key = Gql.ok(creator.token(), "mutation { createOverlayKey(input: {label: \"OBS\"}) { key } }").getString("data.createOverlayKey.key");
            client.subscribe("k", "subscription($s: ID!, $k: String) { giftEvents(streamId: $s, overlayKey: $k) { id } }",
                    Map.of("s", creator.stream(), "k", key));
            // the subscriptions are live once a change of the wallet shows
            com.coinstream.support.Flows.fund(id, token, 5);
            assertNotNull(client.nextOf(10, "next"), "walletChanged is live");
            com.coinstream.support.Erasures.erase(token);
            java.util.Set<String> ended = new java.util.HashSet<>();
            List<String> seen = new java.util.ArrayList<>();
            for (int i = 0; i < 40 && ended.size() < 4; i++) {
                com.fasterxml.jackson.databind.JsonNode m = client.nextOf(5, "next", "error", "complete", "closed");
                assertNotNull(m, "every subscription ends: " + ended + " after " + seen);
                seen.add(m.toString());
                if ("closed".equals(m.path("type").asText())) {
                    break;
                }
                // an error of the subscription (graphql-transport-ws sends it as "error", or as "next" with errors)
                if (m.toString().contains("UNAUTHENTICATED")) {
                    ended.add(m.path("id").asText());
                }
            }
            assertEquals(java.util.Set.of("w", "a", "g", "k"), ended);
        }
    }

    /**
     * The durable fallback: an erasure committed elsewhere whose notification this instance never got (its listening
     * connection silently broken, the other instance gone right after its commit) is found in the database within seconds
     * by the re-read of recent erasures (every 2 s), with nothing run by hand.
     */
    @Test
    void anErasureThisInstanceWasNeverToldOfIsFoundInTheDatabaseWithinSeconds() {
        String id = Tokens.unique("untold");
        String token = Tokens.viewer(id);
        Gql.ok(token, "{ me { id } }");
        // as another instance's erasure commits it, with no notification reaching this one
        Db.rows(Db.TEST_SCHEMA, "update app_user set display_name = ?, erased_at = now() where id = ? returning id", ErasedAccounts.newPseudonym(), id);
        io.restassured.response.Response refused = refusedWithin(token, 6);
        assertEquals(401, refused.statusCode(), "refused within 6 s: " + refused.asString());
        assertEquals("UNAUTHENTICATED", Gql.errorCode(refused));
    }

    /** An admin's erasure leaves the platform-wide webhook subscription they set up running: it is the platform's. */
    @Test
    void anAdminsErasureLeavesThePlatformsWebhooksRunning() {
        String adminId = Tokens.unique("leavingadmin");
        String admin = Tokens.admin(adminId);
        String platform = Gql.ok(admin, "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } } }",
                Gql.vars("i", Map.of("url", "http://127.0.0.1:9/platform-" + adminId, "eventTypes", List.of("purchase.succeeded"))))
                .getString("data.createWebhookSubscription.subscription.id");
        Erasures.erase(admin);
        assertEquals("ACTIVE", Db.rows(Db.TEST_SCHEMA, "select status from webhook_subscription where id = ?::uuid", platform).get(0).get("status"));
    }

    /** An erased creator's payout account waiting for verification leaves the admins' queue: nobody can act on it. */
    @Test
    void anErasedCreatorsPayoutAccountLeavesTheVerificationQueue() {
        String creatorId = Tokens.unique("queuegone");
        String creator = Tokens.creator(creatorId);
        String account = Gql.ok(creator, "mutation { registerPayoutAccount(input: {kind: PAYPAL, externalToken: \"pp_payer_QUEUE12345\", "
                + "label: \"PayPal\"}) { payoutAccount { id } userErrors { code } } }").getString("data.registerPayoutAccount.payoutAccount.id");
        String queue = "{ payoutAccountsToVerify(first: 100) { id } }";
        assertTrue(Gql.ok(Tokens.admin(), queue).getList("data.payoutAccountsToVerify.id").contains(account));
        Erasures.erase(creator);
        assertFalse(Gql.ok(Tokens.admin(), queue).getList("data.payoutAccountsToVerify.id").contains(account));
    }

    /**
     * A person's export lists what admins did about their things (a payout account's verification, not only what named
     * their user id), and an admin's own export lists what they did to others without the others' ids or the words
     * written about them (their reasons are the other person's data, and the audit log hides them once that person is
     * erased).
     */
    @Test
    void anExportListsWhatConcernsThePersonAndOfAnAdminsActionsOnOthersOnlyWhatAndWhen() {
        String creatorId = Tokens.unique("concerned");
        String creator = Tokens.creator(creatorId);
        String account = Payouts.verifiedAccount(creator);
        JsonObject creatorDoc = new JsonObject(Gql.ok(creator, EXPORT).getString("data.exportMyData.document"));
        JsonObject verified = creatorDoc.getJsonArray("auditRecords").stream().map(JsonObject.class::cast)
                .filter(r -> "verifyPayoutAccount".equals(r.getString("action"))).findFirst().orElseThrow(() -> new AssertionError(creatorDoc.encode()));
        assertEquals(account, verified.getString("targetId"));
        assertEquals("payoutAccount", verified.getString("targetType"));

        String adminId = Tokens.unique("exportingadmin");
        String admin = Tokens.admin(adminId);
        String viewerId = Tokens.unique("heldfan");
        String viewer = Tokens.viewer(viewerId);
        Gql.ok(viewer, "{ me { id } }");
        Gql.ok(admin, "mutation($i: PlaceHoldInput!) { placeHold(input: $i) { userErrors { code } } }",
                Gql.vars("i", Map.of("userId", viewerId, "reason", "Jane Roe's card, reported stolen")));
        JsonObject adminDoc = new JsonObject(Gql.ok(admin, EXPORT).getString("data.exportMyData.document"));
        JsonObject placed = adminDoc.getJsonArray("auditRecords").getJsonObject(0);
        assertEquals("placeHold", placed.getString("action"));
        assertNull(placed.getString("reason"), adminDoc.encode());
        assertNull(placed.getString("targetId"));
        assertFalse(adminDoc.encode().contains(viewerId) || adminDoc.encode().contains("Jane Roe"), adminDoc.encode());
        JsonObject viewerDoc = new JsonObject(Gql.ok(viewer, EXPORT).getString("data.exportMyData.document"));
        assertEquals("Jane Roe's card, reported stolen", viewerDoc.getJsonArray("auditRecords").getJsonObject(0).getString("reason"));
    }

    /**
     * A creator's erasure retires the subscription an admin set up for their events (its address may be theirs) and removes
     * their overlay keys, labels and all; the audit log's records of that subscription keep who did what and when, not the
     * address or the words.
     */
    @Test
    void anErasedCreatorsSubscriptionsAndKeysGoAndTheLogKeepsNoAddressOfTheirs() {
        String creatorId = Tokens.unique("hookedcreator");
        String creator = Tokens.creator(creatorId);
        Gql.ok(creator, "{ me { id } }");
        String url = "http://127.0.0.1:9/hooks-of-" + creatorId;
        String subscription = Gql.ok(Tokens.admin(), "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) "
                + "{ subscription { id } userErrors { code } } }", Gql.vars("i", Map.of("url", url, "eventTypes", List.of("gift.sent"),
                        "creatorId", creatorId, "description", "Their own alert bot"))).getString("data.createWebhookSubscription.subscription.id");
        assertNotNull(subscription);
        Gql.ok(creator, "mutation { createOverlayKey(input: {label: \"Home OBS\"}) { overlayKey { id } userErrors { code } } }");
        // what the endpoint answered, and a key they typed
        Db.rows(Db.TEST_SCHEMA, "update webhook_subscription set disabled_reason = 'HTTP 500 from hooks-of-them' where id = ?::uuid returning id", subscription);
        Db.rows(Db.TEST_SCHEMA, "insert into idempotency_key (owner_id, key, operation, request_hash, result_id, created_at) "
                + "values (?, 'my-own-words', 'requestPayout', 'h', gen_random_uuid(), now()) returning key", creatorId);
        Erasures.erase(creator);
        var row = Db.rows(Db.TEST_SCHEMA, "select status, url, description, disabled_reason from webhook_subscription where id = ?::uuid", subscription).get(0);
        assertEquals("DELETED", row.get("status"));
        assertEquals("https://erased.invalid/", row.get("url"));
        assertNull(row.get("description"));
        assertNull(row.get("disabled_reason"));
        assertEquals(0L, Db.number(Db.TEST_SCHEMA, "select count(*) from idempotency_key where owner_id = ? and key = 'my-own-words'", creatorId));
        assertEquals(1L, Db.number(Db.TEST_SCHEMA, "select count(*) from idempotency_key where owner_id = ? and key = chr(1) || md5('my-own-words')",
                creatorId));
        assertEquals(0L, Db.number(Db.TEST_SCHEMA, "select count(*) from overlay_key where creator_id = ?", creatorId));
        // and no admin sets up a subscription to the erased creator's events again (V53)
        String again = Gql.ok(Tokens.admin(), "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) "
                + "{ subscription { id } userErrors { code } } }", Gql.vars("i", Map.of("url", url, "eventTypes", List.of("gift.sent"),
                        "creatorId", creatorId))).getString("data.createWebhookSubscription.userErrors[0].code");
        assertTrue(List.of("INVALID_STATE", "NOT_FOUND").contains(again), again);
        assertEquals(0L, Db.number(Db.TEST_SCHEMA, "select count(*) from webhook_subscription where creator_id = ? and status <> 'DELETED'", creatorId));
        String log = Gql.ok(Tokens.admin(), "query($t: ID) { auditLog(filter: {targetId: $t}) { nodes { action reason input before after } } }",
                Gql.vars("t", subscription)).prettyPrint();
        assertTrue(log.contains("createWebhookSubscription"), log);
        assertFalse(log.contains("hooks-of-") || log.contains("alert bot"), log);
    }

    /**
     * An overlay reading with a key that an erasure on another instance deleted, whose notice this instance never heard:
     * the 5-second re-read of the keys in use counts a key no longer there as revoked, and the overlay ends.
     */
    @Test
    void anOverlayKeyAnErasureDeletedUnheardIsRevokedByTheReRead() {
        String creator = Tokens.creator(Tokens.unique("deletedkey"));
        String key = Gql.ok(creator, "mutation { createOverlayKey(input: {label: \"OBS\"}) { overlayKey { id } userErrors { code } } }")
                .getString("data.createOverlayKey.overlayKey.id");
        java.util.concurrent.atomic.AtomicReference<Throwable> ended = new java.util.concurrent.atomic.AtomicReference<>();
        var reading = overlayKeys.whileValid(java.util.UUID.fromString(key), io.smallrye.mutiny.Multi.createFrom().ticks().every(Duration.ofMillis(100)))
                .subscribe().with(t -> { }, ended::set);
        try {
            Db.rows(Db.TEST_SCHEMA, "delete from overlay_key where id = ?::uuid returning id", key);
            overlayKeys.readRevoked().await().atMost(Duration.ofSeconds(10));
            WebhookReceiver.await(Duration.ofSeconds(5), () -> ended.get() != null, "the overlay ended");
        } finally {
            reading.cancel();
        }
    }

    /** Someone else's refused attempt naming a person is not in that person's export (anyone can make those up). */
    @Test
    void othersRefusedAttemptsDoNotSwellAnExport() {
        String id = Tokens.unique("swollen");
        String token = Tokens.viewer(id);
        Gql.ok(token, "{ me { id } }");
        String stranger = Tokens.viewer(Tokens.unique("stranger"));
        for (int i = 0; i < 3; i++) {
            Gql.post(stranger, "mutation($i: PlaceHoldInput!) { placeHold(input: $i) { userErrors { code } } }",
                    Gql.vars("i", Map.of("userId", id, "reason", "made up " + i)));
        }
        assertTrue(Db.number(Db.TEST_SCHEMA, "select count(*) from admin_audit where target_id = ? and outcome = 'REFUSED'", id) >= 3);
        JsonObject doc = new JsonObject(Gql.ok(token, "{ exportMyData { document } }").getString("data.exportMyData.document"));
        assertEquals(0, doc.getJsonArray("auditRecords").size(), doc.encode());
        assertEquals(0L, doc.getLong("auditRecordsTotal"));
    }

    @Inject
    com.coinstream.events.ClusterEvents events;

    /** Listening resumed after a lost connection: everything erased meanwhile is read again, old erasures included. */
    @Test
    void listeningAgainReadsEveryErasure() {
        String id = Tokens.unique("longago");
        String token = Tokens.viewer(id);
        Gql.ok(token, "{ me { id } }");
        // an erasure committed long ago by the database's clock (the 2 s read of recent erasures does not see it)
        Db.rows(Db.TEST_SCHEMA, "update app_user set display_name = ?, erased_at = now() - interval '1 day', "
                + "erasure_written_at = now() - interval '1 day' where id = ? returning id", ErasedAccounts.newPseudonym(), id);
        // this instance's listening connection (and no other), ended by the database as an outage or a failover would
        assertEquals(1, Db.number(Db.TEST_SCHEMA, "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = ?",
                events.listenerName()));
        io.restassured.response.Response refused = refusedWithin(token, 10);
        assertEquals(401, refused.statusCode(), "refused once listening resumed: " + refused.asString());
    }

    /** A public query with {@code token}, asked every 100 ms until it is refused (401), for at most {@code seconds}: the last answer. */
    private static io.restassured.response.Response refusedWithin(String token, int seconds) {
        long start = System.nanoTime();
        io.restassured.response.Response answer;
        do {
            answer = Gql.post(token, "{ rates { version } }", null);
            if (answer.statusCode() == 401) {
                return answer;
            }
            sleep(100);
        } while (System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds));
        return answer;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
